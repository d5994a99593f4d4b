package dev.llava4j.backend.cpu.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * Deterministic lane reductions. {@code reduceLanes(ADD)} leaves the order of additions unspecified, and the C2
 * intrinsic and the interpreter's fallback do use different orders, so a kernel's result would depend on whether it
 * had been JIT-compiled yet. Summing in a fixed order keeps every run bit-identical (resumed training relies on it).
 */
public final class Lanes {
    private Lanes() {
    }

    /** Sum of the lanes, pairwise in a fixed tree order. */
    public static float sum(FloatVector v) {
        float[] a = v.toArray();
        int n = a.length;
        while (n > 1) {
            int half = n / 2;
            for (int i = 0; i < half; i++) {
                a[i] = a[i] + a[i + half];
            }
            if ((n & 1) != 0) {
                a[0] += a[n - 1];
            }
            n = half;
        }
        return a[0];
    }
}
