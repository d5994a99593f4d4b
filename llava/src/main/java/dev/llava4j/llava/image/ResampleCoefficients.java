package dev.llava4j.llava.image;

import java.util.function.DoubleUnaryOperator;

/**
 * Per-output-pixel convolution windows and 22-bit fixed-point weights for one axis, computed exactly as
 * Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} (libImaging/Resample.c) do, so that the
 * double arithmetic rounds the same way (multiplication by {@code 1/filterscale}, not division, and so on).
 *
 * @param first  first input index of the window of each output pixel
 * @param count  window length of each output pixel
 * @param kernel fixed-point weights, {@code stride} per output pixel (unused tail is 0)
 * @param stride maximum window length, {@code ceil(support) * 2 + 1}
 */
record ResampleCoefficients(int[] first, int[] count, int[] kernel, int stride) {

    /** Fixed-point precision of the 8-bit path: 32 bits minus 8 for the sample minus 2 for the sign/headroom. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    /** A separable filter: its kernel function and its support radius at scale 1. */
    record Filter(DoubleUnaryOperator function, double support) {
    }

    /** Keys' cubic convolution with a = -0.5, the operation order of Pillow's {@code bicubic_filter}. */
    static final Filter BICUBIC = new Filter(x -> {
        final double a = -0.5;
        double t = x < 0.0 ? -x : x;
        if (t < 1.0) {
            return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
        }
        if (t < 2.0) {
            return (((t - 5) * t + 8) * t - 4) * a;
        }
        return 0.0;
    }, 2.0);

    /** Triangle filter, Pillow's {@code bilinear_filter}. */
    static final Filter BILINEAR = new Filter(x -> {
        double t = x < 0.0 ? -x : x;
        return t < 1.0 ? 1.0 - t : 0.0;
    }, 1.0);

    static ResampleCoefficients compute(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        // Antialiasing: when shrinking, the kernel is stretched to cover every input pixel.
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support() * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        double invFilterScale = 1.0 / filterScale;

        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] kernel = new int[Math.multiplyExact(outSize, stride)];
        double[] weights = new double[stride];
        for (int out = 0; out < outSize; out++) {
            double center = (out + 0.5) * scale;
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), inSize);
            int n = hi - lo;
            double sum = 0.0;
            for (int k = 0; k < n; k++) {
                double w = filter.function().applyAsDouble((k + lo - center + 0.5) * invFilterScale);
                weights[k] = w;
                sum += w;
            }
            for (int k = 0; k < n; k++) {
                double w = sum != 0.0 ? weights[k] / sum : weights[k];
                kernel[out * stride + k] = toFixedPoint(w);
            }
            first[out] = lo;
            count[out] = n;
        }
        return new ResampleCoefficients(first, count, kernel, stride);
    }

    /** Round half away from zero to 22 fractional bits, as Pillow's C code does with (int) truncation. */
    private static int toFixedPoint(double w) {
        double scaled = w * (1 << PRECISION_BITS);
        return w < 0 ? (int) (-0.5 + scaled) : (int) (0.5 + scaled);
    }

    /** Pillow's {@code clip8}: drop the fractional bits of an accumulator and clamp to 0..255. */
    static int clip8(int accumulator) {
        if (accumulator >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (accumulator <= 0) {
            return 0;
        }
        return accumulator >> PRECISION_BITS;
    }
}
