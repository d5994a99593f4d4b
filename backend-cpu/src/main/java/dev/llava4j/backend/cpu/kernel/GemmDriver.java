package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.F;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.KC;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.L;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MC;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NC;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Single-threaded computation of one rectangular region of C with the packed, cache-blocked
 * algorithm (loops jc/NC, pc/KC, ic/MC, jr/NR, ir/MR around {@link MicroKernel}), plus the
 * direct loop used for tiny products. {@link Sgemm} splits work between threads by region.
 */
final class GemmDriver {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long VECTOR_BYTES = (long) L * Float.BYTES;
    /** Bytes of a row of the workspace tile (MR x NR floats, see {@link GemmWorkspace#tile}). */
    private static final long TILE_ROW_BYTES = (long) NR * Float.BYTES;

    private GemmDriver() {
    }

    /** Computes rows [m0, m1) x columns [n0, n1) of C; requires k &gt; 0. */
    static void packedRegion(GemmProblem g, int m0, int m1, int n0, int n1) {
        GemmWorkspace ws = GemmWorkspace.current();
        float[] packedA = ws.packedA;
        MemorySegment packedB = ws.packedB;
        MemorySegment tile = ws.tile;
        for (int jc = n0; jc < n1; jc += NC) {
            int nc = Math.min(NC, n1 - jc);
            for (int pc = 0; pc < g.k(); pc += KC) {
                int kc = Math.min(KC, g.k() - pc);
                // Later K blocks accumulate onto what the first block (which applied beta) wrote.
                float beta = pc == 0 ? g.beta() : 1f;
                GemmPacking.packB(g.b(), g.bType(), g.bOffset() + pc * g.bRowStride() + jc * g.bColStride(),
                        g.bRowStride(), g.bColStride(), kc, nc, packedB, ws.transposeScratch);
                for (int ic = m0; ic < m1; ic += MC) {
                    int mc = Math.min(MC, m1 - ic);
                    GemmPacking.packA(g.a(), g.aOffset() + ic * g.aRowStride() + pc * g.aColStride(),
                            g.aRowStride(), g.aColStride(), mc, kc, packedA);
                    multiplyBlock(packedA, packedB, tile, mc, nc, GemmBlocking.padded(kc), g.c(),
                            g.cOffset() + ic * g.cRowStride() + jc, g.cRowStride(), g.alpha(), beta);
                }
            }
        }
    }

    /**
     * C block (mc x nc at element cIndex) = alpha * packedA·packedB + beta * C block, tile by tile; kc is the packed
     * panels' (even) number of k steps.
     */
    static void multiplyBlock(float[] packedA, MemorySegment packedB, MemorySegment tile, int mc, int nc, int kc,
                              MemorySegment c, long cIndex, long cRowStride, float alpha, float beta) {
        long cRowBytes = cRowStride * Float.BYTES;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            long bByte = (long) jr * kc * Float.BYTES;
            for (int ir = 0; ir < mc; ir += MR) {
                long cTile = cIndex + ir * cRowStride + jr;
                boolean full = nr == NR && ir + MR <= mc && alpha == 1f;
                if (full && beta == 0f) {
                    MicroKernel.multiply(kc, packedA, ir * kc, packedB, bByte, c, cTile * Float.BYTES, cRowBytes);
                } else {
                    MicroKernel.multiply(kc, packedA, ir * kc, packedB, bByte, tile, 0, TILE_ROW_BYTES);
                    if (full && beta == 1f) {
                        addTile(tile, c, cTile * Float.BYTES, cRowBytes); // every K block after the first
                    } else {
                        writeTile(tile, Math.min(MR, mc - ir), nr, c, cTile, cRowStride, alpha, beta);
                    }
                }
            }
        }
    }

    /** C tile += tile for a full MR x NR tile (rows cRowBytes apart from byte cByte). */
    static void addTile(MemorySegment tile, MemorySegment c, long cByte, long cRowBytes) {
        for (int i = 0; i < MR; i++) {
            long at = cByte + i * cRowBytes;
            long from = i * TILE_ROW_BYTES;
            FloatVector.fromMemorySegment(F, c, at, LE).add(FloatVector.fromMemorySegment(F, tile, from, LE))
                    .intoMemorySegment(c, at, LE);
            FloatVector.fromMemorySegment(F, c, at + VECTOR_BYTES, LE)
                    .add(FloatVector.fromMemorySegment(F, tile, from + VECTOR_BYTES, LE))
                    .intoMemorySegment(c, at + VECTOR_BYTES, LE);
        }
    }

    /**
     * C[i][j] = alpha * tile[i][j] + beta * C[i][j] for i &lt; rows, j &lt; cols; C is not read when beta is 0. A
     * vector that reaches past {@code cols} (right-edge tile) is masked.
     */
    static void writeTile(MemorySegment tile, int rows, int cols, MemorySegment c, long cIndex, long cRowStride,
                          float alpha, float beta) {
        for (int i = 0; i < rows; i++) {
            long rowByte = (cIndex + i * cRowStride) * Float.BYTES;
            for (int v = 0; v < cols; v += L) {
                long at = rowByte + (long) v * Float.BYTES;
                long tileByte = ((long) i * NR + v) * Float.BYTES;
                FloatVector t = FloatVector.fromMemorySegment(F, tile, tileByte, LE).mul(alpha);
                if (v + L <= cols) {
                    if (beta != 0f) {
                        t = FloatVector.fromMemorySegment(F, c, at, LE).mul(beta).add(t);
                    }
                    t.intoMemorySegment(c, at, LE);
                } else {
                    VectorMask<Float> mask = F.indexInRange(v, cols);
                    if (beta != 0f) {
                        t = FloatVector.fromMemorySegment(F, c, at, LE, mask).mul(beta).add(t);
                    }
                    t.intoMemorySegment(c, at, LE, mask);
                }
            }
        }
    }

    /** Plain triple loop for products too small to repay packing. */
    static void direct(GemmProblem g) {
        for (int i = 0; i < g.m(); i++) {
            long aRow = g.aOffset() + i * g.aRowStride();
            long cRow = g.cOffset() + i * g.cRowStride();
            for (int j = 0; j < g.n(); j++) {
                long bCol = g.bOffset() + j * g.bColStride();
                float sum = 0f;
                for (int p = 0; p < g.k(); p++) {
                    sum += g.a().getAtIndex(FLOAT, aRow + p * g.aColStride())
                            * loadB(g.b(), g.bType(), bCol + p * g.bRowStride());
                }
                store(g.c(), cRow + j, g.alpha() * sum, g.beta());
            }
        }
    }

    /** C = beta * C over the whole m x n block (the k = 0 case); beta 0 writes zeros without reading. */
    static void scale(GemmProblem g) {
        for (int i = 0; i < g.m(); i++) {
            long cRow = g.cOffset() + i * g.cRowStride();
            for (int j = 0; j < g.n(); j++) {
                store(g.c(), cRow + j, 0f, g.beta());
            }
        }
    }

    private static void store(MemorySegment c, long index, float value, float beta) {
        c.setAtIndex(FLOAT, index, beta == 0f ? value : value + beta * c.getAtIndex(FLOAT, index));
    }

    private static float loadB(MemorySegment b, ElementType type, long index) {
        return switch (type) {
            case F32 -> b.getAtIndex(FLOAT, index);
            case BF16 -> HalfFloats.bf16ToFloat(b.getAtIndex(SHORT, index));
            case F16 -> HalfFloats.f16ToFloat(b.getAtIndex(SHORT, index));
        };
    }
}
