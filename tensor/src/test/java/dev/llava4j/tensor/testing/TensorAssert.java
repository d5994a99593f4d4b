package dev.llava4j.tensor.testing;

import dev.llava4j.tensor.Tensor;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Numeric comparisons of tensors with stated tolerances and informative failures. */
public final class TensorAssert {
    private TensorAssert() {
    }

    public static double maxAbsDiff(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i] || (Double.isNaN(x[i]) && Double.isNaN(y[i]))) {
                continue;  // equal, equal infinities (e.g. the -inf log-sum-exp of a fully masked row) included
            }
            double d = Math.abs(x[i] - y[i]);
            if (!Double.isFinite(d)) {
                return Double.POSITIVE_INFINITY;  // NaN or infinity on one side only
            }
            m = Math.max(m, d);
        }
        return m;
    }

    public static double maxAbs(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).filter(Double::isFinite).map(Math::abs).max().orElse(0);
    }

    /** |actual - expected| <= tol everywhere (same shape required). */
    public static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double d = maxAbsDiff(expected, actual);
        if (!(d <= tol)) {
            fail(what + ": max abs diff " + d + " > tolerance " + tol);
        }
    }

    /** Max abs diff <= relTol * max(1, max|expected|). */
    public static void assertCloseScaled(Tensor expected, Tensor actual, double relTol, String what) {
        assertClose(expected, actual, relTol * Math.max(1.0, maxAbs(expected)), what);
    }

    /** Gradient rule of the fixtures: max abs diff <= relTol * max|expected gradient|. */
    public static void assertGradClose(Tensor expected, Tensor actual, double relTol, String what) {
        assertClose(expected, actual, relTol * Math.max(maxAbs(expected), 1e-12), what);
    }
}
