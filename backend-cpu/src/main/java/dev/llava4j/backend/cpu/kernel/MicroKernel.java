package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.F;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.L;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked inner kernel: a 4 x 2L tile of C = packed A micro-panel times packed B
 * micro-panel, with its eight accumulators in separate locals so that C2 keeps them in registers.
 *
 * <p>Why 4 x 2 vectors: eight independent FMA chains just cover two FMA pipes of latency 4, and
 * the whole working set (8 accumulators + 2 B vectors + 1 broadcast) fits the 16 registers of AVX2
 * without spilling. Measured with 256-bit vectors on the Zen 4 VM (which exposes AVX2 only), best
 * of several runs in GFLOP/s per CPU-second: 4x2 vectors 93-97, 10x1 87, 3x3 85, 12x1 84,
 * 14x1 50, 6x2 44, 4x3 40, 5x2 36 (the latter spill registers under C2).
 */
final class MicroKernel {

    static {
        if (MR != 4) {
            throw new AssertionError("MicroKernel is written for MR = 4, GemmBlocking.MR = " + MR);
        }
    }

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MicroKernel() {
    }

    /**
     * tile[MR][NR] = sum over p &lt; kc of a[aBase + p*MR + i] * b[bBase + p*NR + j].
     *
     * @param a packed A: kc groups of MR row values
     * @param b packed B: kc groups of NR column values
     */
    static void multiply(int kc, float[] a, int aBase, float[] b, int bBase, float[] tile) {
        multiply(kc, a, aBase, b, bBase, tile, null, 0, 0, false);
    }

    /**
     * C[i][j] (+)= sum over p &lt; kc of a[aBase + p*MR + i] * b[bBase + p*NR + j] for a full MR x NR tile of a
     * row-major F32 C at byte {@code cByte} with rows {@code cRowBytes} apart: the accumulators go straight to C,
     * without the round trip through a tile buffer that edge tiles and alpha/beta scaling need.
     */
    static void multiplyInto(int kc, float[] a, int aBase, float[] b, int bBase, MemorySegment c, long cByte,
                             long cRowBytes, boolean accumulate) {
        multiply(kc, a, aBase, b, bBase, null, c, cByte, cRowBytes, accumulate);
    }

    private static void multiply(int kc, float[] a, int aBase, float[] b, int bBase, float[] tile,
                                 MemorySegment c, long cByte, long cRowBytes, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * MR;
            int bi = bBase + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(F, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        if (tile != null) {
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + L);
        } else {
            // written out rather than through a helper taking the vectors: a helper that C2 does not inline
            // (it may already be compiled on its own, "too big" to inline) gets its vectors boxed, and the
            // whole kernel runs several times slower; this happened in about a third of the runs
            long c1 = cByte + (long) L * Float.BYTES;
            if (accumulate) {
                c00 = c00.add(FloatVector.fromMemorySegment(F, c, cByte, LE));
                c01 = c01.add(FloatVector.fromMemorySegment(F, c, c1, LE));
                c10 = c10.add(FloatVector.fromMemorySegment(F, c, cByte + cRowBytes, LE));
                c11 = c11.add(FloatVector.fromMemorySegment(F, c, c1 + cRowBytes, LE));
                c20 = c20.add(FloatVector.fromMemorySegment(F, c, cByte + 2 * cRowBytes, LE));
                c21 = c21.add(FloatVector.fromMemorySegment(F, c, c1 + 2 * cRowBytes, LE));
                c30 = c30.add(FloatVector.fromMemorySegment(F, c, cByte + 3 * cRowBytes, LE));
                c31 = c31.add(FloatVector.fromMemorySegment(F, c, c1 + 3 * cRowBytes, LE));
            }
            c00.intoMemorySegment(c, cByte, LE);
            c01.intoMemorySegment(c, c1, LE);
            c10.intoMemorySegment(c, cByte + cRowBytes, LE);
            c11.intoMemorySegment(c, c1 + cRowBytes, LE);
            c20.intoMemorySegment(c, cByte + 2 * cRowBytes, LE);
            c21.intoMemorySegment(c, c1 + 2 * cRowBytes, LE);
            c30.intoMemorySegment(c, cByte + 3 * cRowBytes, LE);
            c31.intoMemorySegment(c, c1 + 3 * cRowBytes, LE);
        }
    }
}
