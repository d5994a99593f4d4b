package dev.llava4j.backend.cpu.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Deterministic lane reductions. {@code reduceLanes(ADD)} leaves the order of additions unspecified, and the C2
 * intrinsic and the interpreter's fallback do use different orders, so a kernel's result would depend on whether it
 * had been JIT-compiled yet. Summing in a fixed order keeps every run bit-identical (resumed training relies on it).
 */
public final class Lanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int N = S.length();
    // lane i <-> lane i ^ m: adding a vector to its shuffle halves the number of distinct partial sums
    private static final VectorShuffle<Float> XOR8 = xor(8);
    private static final VectorShuffle<Float> XOR4 = xor(4);
    private static final VectorShuffle<Float> XOR2 = xor(2);
    private static final VectorShuffle<Float> XOR1 = xor(1);

    private Lanes() {
    }

    private static VectorShuffle<Float> xor(int m) {
        return VectorShuffle.fromOp(S, i -> m < N ? i ^ m : i);
    }

    /**
     * Sum of the lanes, pairwise in a fixed tree order: lane i is first added to lane i + n/2, then to i + n/4, ...
     * Vectors of the preferred species are reduced with shuffles (no array round trip); the order, and so the
     * result, is the same either way.
     */
    public static float sum(FloatVector v) {
        if (v.species() != S || N > 16) {
            return sumByArray(v);
        }
        if (N >= 16) {
            v = v.add(v.rearrange(XOR8));
        }
        if (N >= 8) {
            v = v.add(v.rearrange(XOR4));
        }
        if (N >= 4) {
            v = v.add(v.rearrange(XOR2));
        }
        if (N >= 2) {
            v = v.add(v.rearrange(XOR1));
        }
        return v.lane(0);
    }

    static float sumByArray(FloatVector v) {
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
