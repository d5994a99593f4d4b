package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.F;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.L;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NV;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked inner kernel: a 4 x NV-vector tile of C = packed A micro-panel times packed B micro-panel,
 * with its accumulators in separate locals so that C2 keeps them in registers. NV is a constant
 * ({@link GemmBlocking#NV}), so the {@code if (NV == 4)} parts fold away on AVX2.
 *
 * <p>Why 4 x 2 vectors on AVX2: eight independent FMA chains just cover two FMA pipes of latency 4, and the whole
 * working set (8 accumulators + 2 B vectors + 1 broadcast) fits its 16 registers without spilling. Measured with
 * 256-bit vectors on the Zen 4 VM (which exposes AVX2 only), best of several runs in GFLOP/s per CPU-second: 4x2
 * vectors 93-97, 10x1 87, 3x3 85, 12x1 84, 14x1 50, 6x2 44, 4x3 40, 5x2 36 (the latter spill registers under C2).
 * With 512-bit vectors (32 registers; a core that issues two 512-bit FMAs per cycle needs more than eight chains in
 * flight) the tile is 4 x 4 vectors: 16 accumulators + 4 B vectors + 1 broadcast.
 */
final class MicroKernel {

    static {
        if (MR != 4) {
            throw new AssertionError("MicroKernel is written for MR = 4, GemmBlocking.MR = " + MR);
        }
    }

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Bytes of one vector: the distance between a tile row's vectors in C. */
    private static final long LB = (long) L * Float.BYTES;
    /** One tile row of zeros: the src that {@link #multiply} adds when C is overwritten (row stride 0). */
    static final MemorySegment ZEROS = Arena.global().allocate((long) NR * Float.BYTES, 64);

    private MicroKernel() {
    }

    /**
     * dst[i][j] = src[i][j] + sum over p &lt; kc of a[aBase + p*MR + i] * b[bBase + p*NR + j] for one MR x NR tile;
     * dst and src are row-major F32 at the given byte offsets with rows {@code dstRowBytes} / {@code srcRowBytes}
     * apart. The sum is formed first and src added last. Callers pass src = {@link #ZEROS} with row stride 0 to
     * overwrite, or src = dst to accumulate onto C.
     *
     * <p>No branch inside: a branch that C2 saw go one way only becomes an uncommon trap, and when it was taken
     * later the compiled kernel was thrown away; C1 could not recompile the large method ("out of virtual registers
     * in linear scan"), C2 did not come back, and the kernel stayed in C1 code that boxes every vector: 1.5 GFLOP/s
     * instead of 170 (1 of 41 `bench gemm` runs with the default blocking, 3 of 12 with KC 128).
     *
     * @param a packed A: kc groups of MR row values
     * @param b packed B: kc groups of NR column values
     */
    static void multiply(int kc, float[] a, int aBase, float[] b, int bBase, MemorySegment src, long srcByte,
                         long srcRowBytes, MemorySegment dst, long dstByte, long dstRowBytes) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * MR;
            int bi = bBase + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector b2 = NV == 4 ? FloatVector.fromArray(F, b, bi + 2 * L) : b0;
            FloatVector b3 = NV == 4 ? FloatVector.fromArray(F, b, bi + 3 * L) : b0;
            FloatVector a0 = FloatVector.broadcast(F, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            if (NV == 4) {
                c02 = a0.fma(b2, c02);
                c03 = a0.fma(b3, c03);
            }
            FloatVector a1 = FloatVector.broadcast(F, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            if (NV == 4) {
                c12 = a1.fma(b2, c12);
                c13 = a1.fma(b3, c13);
            }
            FloatVector a2 = FloatVector.broadcast(F, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            if (NV == 4) {
                c22 = a2.fma(b2, c22);
                c23 = a2.fma(b3, c23);
            }
            FloatVector a3 = FloatVector.broadcast(F, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            if (NV == 4) {
                c32 = a3.fma(b2, c32);
                c33 = a3.fma(b3, c33);
            }
        }
        // written out rather than through a helper taking the vectors: a helper that C2 does not inline gets its
        // vectors boxed, and the whole kernel runs several times slower
        c00 = c00.add(FloatVector.fromMemorySegment(F, src, srcByte, LE));
        c01 = c01.add(FloatVector.fromMemorySegment(F, src, srcByte + LB, LE));
        if (NV == 4) {
            c02 = c02.add(FloatVector.fromMemorySegment(F, src, srcByte + 2 * LB, LE));
            c03 = c03.add(FloatVector.fromMemorySegment(F, src, srcByte + 3 * LB, LE));
        }
        c10 = c10.add(FloatVector.fromMemorySegment(F, src, srcByte + srcRowBytes, LE));
        c11 = c11.add(FloatVector.fromMemorySegment(F, src, srcByte + srcRowBytes + LB, LE));
        if (NV == 4) {
            c12 = c12.add(FloatVector.fromMemorySegment(F, src, srcByte + srcRowBytes + 2 * LB, LE));
            c13 = c13.add(FloatVector.fromMemorySegment(F, src, srcByte + srcRowBytes + 3 * LB, LE));
        }
        c20 = c20.add(FloatVector.fromMemorySegment(F, src, srcByte + 2 * srcRowBytes, LE));
        c21 = c21.add(FloatVector.fromMemorySegment(F, src, srcByte + 2 * srcRowBytes + LB, LE));
        if (NV == 4) {
            c22 = c22.add(FloatVector.fromMemorySegment(F, src, srcByte + 2 * srcRowBytes + 2 * LB, LE));
            c23 = c23.add(FloatVector.fromMemorySegment(F, src, srcByte + 2 * srcRowBytes + 3 * LB, LE));
        }
        c30 = c30.add(FloatVector.fromMemorySegment(F, src, srcByte + 3 * srcRowBytes, LE));
        c31 = c31.add(FloatVector.fromMemorySegment(F, src, srcByte + 3 * srcRowBytes + LB, LE));
        if (NV == 4) {
            c32 = c32.add(FloatVector.fromMemorySegment(F, src, srcByte + 3 * srcRowBytes + 2 * LB, LE));
            c33 = c33.add(FloatVector.fromMemorySegment(F, src, srcByte + 3 * srcRowBytes + 3 * LB, LE));
        }
        c00.intoMemorySegment(dst, dstByte, LE);
        c01.intoMemorySegment(dst, dstByte + LB, LE);
        if (NV == 4) {
            c02.intoMemorySegment(dst, dstByte + 2 * LB, LE);
            c03.intoMemorySegment(dst, dstByte + 3 * LB, LE);
        }
        c10.intoMemorySegment(dst, dstByte + dstRowBytes, LE);
        c11.intoMemorySegment(dst, dstByte + dstRowBytes + LB, LE);
        if (NV == 4) {
            c12.intoMemorySegment(dst, dstByte + dstRowBytes + 2 * LB, LE);
            c13.intoMemorySegment(dst, dstByte + dstRowBytes + 3 * LB, LE);
        }
        c20.intoMemorySegment(dst, dstByte + 2 * dstRowBytes, LE);
        c21.intoMemorySegment(dst, dstByte + 2 * dstRowBytes + LB, LE);
        if (NV == 4) {
            c22.intoMemorySegment(dst, dstByte + 2 * dstRowBytes + 2 * LB, LE);
            c23.intoMemorySegment(dst, dstByte + 2 * dstRowBytes + 3 * LB, LE);
        }
        c30.intoMemorySegment(dst, dstByte + 3 * dstRowBytes, LE);
        c31.intoMemorySegment(dst, dstByte + 3 * dstRowBytes + LB, LE);
        if (NV == 4) {
            c32.intoMemorySegment(dst, dstByte + 3 * dstRowBytes + 2 * LB, LE);
            c33.intoMemorySegment(dst, dstByte + 3 * dstRowBytes + 3 * LB, LE);
        }
    }
}
