package dev.llava4j.llava.train;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Round tick positions for a plot axis: a step of 1, 2 or 5 times a power of ten, chosen so that about
 * {@code target} ticks cover the range.
 *
 * @param min     first tick (a multiple of step, at or below the data minimum)
 * @param max     last tick (at or above the data maximum)
 * @param step    distance between ticks
 * @param ticks   tick positions from min to max
 */
record AxisTicks(double min, double max, double step, List<Double> ticks) {

    static AxisTicks nice(double dataMin, double dataMax, int target) {
        if (!Double.isFinite(dataMin) || !Double.isFinite(dataMax) || dataMin > dataMax) {
            throw new IllegalArgumentException("axis range [" + dataMin + ", " + dataMax + "] is not a finite range");
        }
        if (dataMax - dataMin < 1e-12 * Math.max(1, Math.abs(dataMax))) {
            // A flat series still needs a visible axis.
            double pad = dataMax == 0 ? 1 : Math.abs(dataMax) * 0.1;
            dataMin -= pad;
            dataMax += pad;
        }
        double raw = (dataMax - dataMin) / Math.max(1, target);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 5, 10}) {
            step = m * magnitude;
            if (step >= raw) {
                break;
            }
        }
        double first = Math.floor(dataMin / step) * step;
        double last = Math.ceil(dataMax / step) * step;
        List<Double> ticks = new ArrayList<>();
        long count = Math.round((last - first) / step);
        for (long k = 0; k <= count; k++) {
            ticks.add(first + k * step);
        }
        return new AxisTicks(first, last, step, List.copyOf(ticks));
    }

    /** A tick label with as many decimals as the step needs ("0.25", "1000", "2e-05" for tiny steps). */
    String label(double value) {
        if (Math.abs(value) < step * 1e-6) {
            value = 0; // -0.0 and rounding noise around zero
        }
        if (step < 1e-3 || Math.abs(value) >= 1e7) {
            return String.format(Locale.ROOT, "%.1e", value);
        }
        int decimals = Math.max(0, -(int) Math.floor(Math.log10(step) + 1e-9));
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }
}
