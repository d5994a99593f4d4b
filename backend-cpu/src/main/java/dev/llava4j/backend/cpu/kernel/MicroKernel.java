package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.F;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.L;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked inner kernel: an MR x 2-vector tile of C = packed A micro-panel times packed B micro-panel,
 * with its accumulators in separate locals so that C2 keeps them in registers. MR is a constant
 * ({@link GemmBlocking#MR}): 12 with 512-bit vectors, 4 with narrower ones, and the {@code if (MR == 12)} parts
 * fold away on AVX2.
 *
 * <p>Why 12 x 2 vectors with AVX-512: a core issuing two 512-bit FMAs per cycle is held back by the B vectors it
 * streams (the B micro-panel, KC x NR, lives in L2), so the tile reuses each B vector for as many rows as the 32
 * registers allow: 24 accumulators + 2 B vectors + 1 broadcast. On the Intel Xeon VM (AVX-512, two FMA ports, 220
 * GFLOP/s FMA peak per core) one core ran a 96 x 512 block of A against an aligned B micro-panel at 175-190 GFLOP/s
 * with 12 x 2, 165-181 with 6 x 4 and 160-172 with the former 4 x 4 (probe loops, three rounds each).
 * Why 4 x 2 on AVX2: eight independent FMA chains cover two FMA pipes of latency 4, and the working set (8
 * accumulators + 2 B vectors + 1 broadcast) fits its 16 registers; measured with 256-bit vectors on the Zen 4 VM,
 * in GFLOP/s per CPU-second: 4x2 vectors 93-97, 10x1 87, 3x3 85, 12x1 84, 14x1 50, 6x2 44 (spilling under C2).
 */
final class MicroKernel {

    static {
        if (MR != 12 && MR != 4) {
            throw new AssertionError("MicroKernel is written for MR = 12 or 4, GemmBlocking.MR = " + MR);
        }
    }

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Bytes of one vector: the distance between a tile row's two vectors in C. */
    private static final long LB = (long) L * Float.BYTES;
    /** Bytes of one k step of a packed B micro-panel. */
    private static final long B_STEP = (long) NR * Float.BYTES;

    private MicroKernel() {
    }

    /**
     * dst[i][j] = sum over p &lt; kc of a[aBase + p*MR + i] * b[bByte + (p*NR + j)*4] for one MR x NR tile, kc even
     * ({@link GemmBlocking#padded}); dst is row-major F32 at byte dstByte with rows {@code dstRowBytes} apart.
     * Adding onto C is left to the caller ({@link GemmDriver#addTile}): with C's rows also read here (added at the
     * end, or as the accumulators' start), C1's profiling tier could not compile the 12-row method ("out of virtual
     * registers in LIR generator"); it stayed in C1's first code, which boxes every vector, C2 never took it over,
     * and GEMM ran at 1.2 GFLOP/s.
     *
     * <p>No branch inside: a branch that C2 saw go one way only becomes an uncommon trap, and when it was taken
     * later the compiled kernel was thrown away; C1 could not recompile the large method ("out of virtual registers
     * in linear scan"), C2 did not come back, and the kernel stayed in C1 code that boxes every vector: 1.5 GFLOP/s
     * instead of 170 (1 of 41 `bench gemm` runs with the default blocking, 3 of 12 with KC 128).
     *
     * @param a packed A: kc groups of MR row values (scalar reads, so a heap array is fine)
     * @param b packed B: kc groups of NR column values, each group 64-byte aligned (see {@link GemmWorkspace})
     */
    static void multiply(int kc, float[] a, int aBase, MemorySegment b, long bByte, MemorySegment dst, long dstByte,
                         long dstRowBytes) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        FloatVector c60 = zero, c61 = zero;
        FloatVector c70 = zero, c71 = zero;
        FloatVector c80 = zero, c81 = zero;
        FloatVector c90 = zero, c91 = zero;
        FloatVector ca0 = zero, ca1 = zero;
        FloatVector cb0 = zero, cb1 = zero;
        MemorySegment panel = b.asSlice(bByte, kc * B_STEP);
        // two k steps per iteration: in a probe loop 221 against 209-211 GFLOP/s (Intel Xeon VM); whole 1024³
        // products 135-155 against 79-145 (three alternated runs of four samples each)
        for (int p = 0; p < kc; p += 2) {
            FloatVector x;
            int ai0 = aBase + p * MR;
            long bi0 = p * B_STEP;
            FloatVector b00 = FloatVector.fromMemorySegment(F, panel, bi0, LE);
            FloatVector b01 = FloatVector.fromMemorySegment(F, panel, bi0 + LB, LE);
            x = FloatVector.broadcast(F, a[ai0]);
            c00 = x.fma(b00, c00);
            c01 = x.fma(b01, c01);
            x = FloatVector.broadcast(F, a[ai0 + 1]);
            c10 = x.fma(b00, c10);
            c11 = x.fma(b01, c11);
            x = FloatVector.broadcast(F, a[ai0 + 2]);
            c20 = x.fma(b00, c20);
            c21 = x.fma(b01, c21);
            x = FloatVector.broadcast(F, a[ai0 + 3]);
            c30 = x.fma(b00, c30);
            c31 = x.fma(b01, c31);
            if (MR == 12) {
                x = FloatVector.broadcast(F, a[ai0 + 4]);
                c40 = x.fma(b00, c40);
                c41 = x.fma(b01, c41);
                x = FloatVector.broadcast(F, a[ai0 + 5]);
                c50 = x.fma(b00, c50);
                c51 = x.fma(b01, c51);
                x = FloatVector.broadcast(F, a[ai0 + 6]);
                c60 = x.fma(b00, c60);
                c61 = x.fma(b01, c61);
                x = FloatVector.broadcast(F, a[ai0 + 7]);
                c70 = x.fma(b00, c70);
                c71 = x.fma(b01, c71);
                x = FloatVector.broadcast(F, a[ai0 + 8]);
                c80 = x.fma(b00, c80);
                c81 = x.fma(b01, c81);
                x = FloatVector.broadcast(F, a[ai0 + 9]);
                c90 = x.fma(b00, c90);
                c91 = x.fma(b01, c91);
                x = FloatVector.broadcast(F, a[ai0 + 10]);
                ca0 = x.fma(b00, ca0);
                ca1 = x.fma(b01, ca1);
                x = FloatVector.broadcast(F, a[ai0 + 11]);
                cb0 = x.fma(b00, cb0);
                cb1 = x.fma(b01, cb1);
            }
            int ai1 = aBase + (p + 1) * MR;
            long bi1 = (p + 1) * B_STEP;
            FloatVector b10 = FloatVector.fromMemorySegment(F, panel, bi1, LE);
            FloatVector b11 = FloatVector.fromMemorySegment(F, panel, bi1 + LB, LE);
            x = FloatVector.broadcast(F, a[ai1]);
            c00 = x.fma(b10, c00);
            c01 = x.fma(b11, c01);
            x = FloatVector.broadcast(F, a[ai1 + 1]);
            c10 = x.fma(b10, c10);
            c11 = x.fma(b11, c11);
            x = FloatVector.broadcast(F, a[ai1 + 2]);
            c20 = x.fma(b10, c20);
            c21 = x.fma(b11, c21);
            x = FloatVector.broadcast(F, a[ai1 + 3]);
            c30 = x.fma(b10, c30);
            c31 = x.fma(b11, c31);
            if (MR == 12) {
                x = FloatVector.broadcast(F, a[ai1 + 4]);
                c40 = x.fma(b10, c40);
                c41 = x.fma(b11, c41);
                x = FloatVector.broadcast(F, a[ai1 + 5]);
                c50 = x.fma(b10, c50);
                c51 = x.fma(b11, c51);
                x = FloatVector.broadcast(F, a[ai1 + 6]);
                c60 = x.fma(b10, c60);
                c61 = x.fma(b11, c61);
                x = FloatVector.broadcast(F, a[ai1 + 7]);
                c70 = x.fma(b10, c70);
                c71 = x.fma(b11, c71);
                x = FloatVector.broadcast(F, a[ai1 + 8]);
                c80 = x.fma(b10, c80);
                c81 = x.fma(b11, c81);
                x = FloatVector.broadcast(F, a[ai1 + 9]);
                c90 = x.fma(b10, c90);
                c91 = x.fma(b11, c91);
                x = FloatVector.broadcast(F, a[ai1 + 10]);
                ca0 = x.fma(b10, ca0);
                ca1 = x.fma(b11, ca1);
                x = FloatVector.broadcast(F, a[ai1 + 11]);
                cb0 = x.fma(b10, cb0);
                cb1 = x.fma(b11, cb1);
            }
        }
        // written out rather than through a helper taking the vectors: a helper that C2 does not inline gets its
        // vectors boxed, and the whole kernel runs several times slower
        c00.intoMemorySegment(dst, dstByte, LE);
        c01.intoMemorySegment(dst, dstByte + LB, LE);
        c10.intoMemorySegment(dst, dstByte + dstRowBytes, LE);
        c11.intoMemorySegment(dst, dstByte + dstRowBytes + LB, LE);
        c20.intoMemorySegment(dst, dstByte + 2 * dstRowBytes, LE);
        c21.intoMemorySegment(dst, dstByte + 2 * dstRowBytes + LB, LE);
        c30.intoMemorySegment(dst, dstByte + 3 * dstRowBytes, LE);
        c31.intoMemorySegment(dst, dstByte + 3 * dstRowBytes + LB, LE);
        if (MR == 12) {
            c40.intoMemorySegment(dst, dstByte + 4 * dstRowBytes, LE);
            c41.intoMemorySegment(dst, dstByte + 4 * dstRowBytes + LB, LE);
            c50.intoMemorySegment(dst, dstByte + 5 * dstRowBytes, LE);
            c51.intoMemorySegment(dst, dstByte + 5 * dstRowBytes + LB, LE);
            c60.intoMemorySegment(dst, dstByte + 6 * dstRowBytes, LE);
            c61.intoMemorySegment(dst, dstByte + 6 * dstRowBytes + LB, LE);
            c70.intoMemorySegment(dst, dstByte + 7 * dstRowBytes, LE);
            c71.intoMemorySegment(dst, dstByte + 7 * dstRowBytes + LB, LE);
            c80.intoMemorySegment(dst, dstByte + 8 * dstRowBytes, LE);
            c81.intoMemorySegment(dst, dstByte + 8 * dstRowBytes + LB, LE);
            c90.intoMemorySegment(dst, dstByte + 9 * dstRowBytes, LE);
            c91.intoMemorySegment(dst, dstByte + 9 * dstRowBytes + LB, LE);
            ca0.intoMemorySegment(dst, dstByte + 10 * dstRowBytes, LE);
            ca1.intoMemorySegment(dst, dstByte + 10 * dstRowBytes + LB, LE);
            cb0.intoMemorySegment(dst, dstByte + 11 * dstRowBytes, LE);
            cb1.intoMemorySegment(dst, dstByte + 11 * dstRowBytes + LB, LE);
        }
    }
}
