package dev.llava4j.backend.cpu.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register and cache blocking of the packed SGEMM.
 *
 * <p>MR x NR is the register tile of {@link MicroKernel} (MR rows of A broadcast against two
 * vectors of B). A KC x NR micro-panel of packed B (64 KB with AVX-512) is streamed from L1/L2 while the
 * kernel sweeps the MC x KC packed block of A (192 KB) held in L2; the KC x NC packed block of B
 * (4 MB) lives in L3. Chosen on the Zen 4 VM (32 KB L1d, 1 MB L2): KC 512 beat 256 by about 5 % in
 * 7 of 9 paired single-thread runs (fewer passes over C), MC 48-192 were within noise (and on the Intel Xeon VM
 * of session 16 other KC, MC and NC were within its noise too, see README);
 * {@code llava4j.gemm.kc}, {@code .mc} and {@code .nc} override them for tuning on other machines
 * (read once, at class initialisation).
 */
final class GemmBlocking {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = F.length();
    /**
     * Rows of the register tile, whose columns are two vectors ({@link MicroKernel}): 12 with 512-bit vectors (32
     * registers hold the 24 accumulators, 2 B vectors and a broadcast), 4 with narrower ones (AVX2's 16 registers).
     */
    static final int MR = L >= 16 ? 12 : 4;
    /** Columns of the register tile. */
    static final int NR = 2 * L;

    /** Even: the packed panels have an even number of k steps ({@link #padded}). */
    static final int KC = property("llava4j.gemm.kc", 512, 2);
    static final int MC = property("llava4j.gemm.mc", 96, MR);
    static final int NC = property("llava4j.gemm.nc", 2048, NR);

    private GemmBlocking() {
    }

    /**
     * The k steps of a packed panel holding kc of them: kc rounded up to even, since {@link MicroKernel} takes two
     * steps per iteration; the packers write zeros into the padding step.
     */
    static int padded(int kc) {
        return (kc + 1) & ~1;
    }

    /** Reads a positive block size, rounded up to a multiple of {@code multiple}. */
    private static int property(String name, int fallback, int multiple) {
        String text = System.getProperty(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + " must be an integer, got '" + text + "'", e);
        }
        if (value < 1) {
            throw new IllegalArgumentException("system property " + name + " must be >= 1, got " + value);
        }
        return (value + multiple - 1) / multiple * multiple;
    }
}
