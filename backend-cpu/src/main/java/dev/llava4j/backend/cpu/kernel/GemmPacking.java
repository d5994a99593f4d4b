package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.F;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.L;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies strided blocks of A and B into the contiguous panel layouts {@link MicroKernel} reads,
 * converting BF16/F16 to F32 on the way. Panels on the right/bottom edge are zero-padded to full
 * MR/NR width so the kernel never needs a tail case.
 *
 * <p>The common layouts are copied with vectors: a row-major A is transposed a vector at a time, a transposed A
 * copies MR floats per k, a row-major F32 B copies whole panel rows, a B with contiguous columns (any dtype) is
 * transposed block by block. Other strides and dtypes go element by element; writes go to the packed buffers,
 * which are cache resident.
 */
final class GemmPacking {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Four floats: one p of four consecutive rows of an interleaved A panel (MR is a multiple of four). */
    private static final VectorSpecies<Float> QUAD = FloatVector.SPECIES_128;
    private static final int QUAD_LANES = QUAD.length();
    /** Mask c enables lanes 4c..4c+3 of a vector (see {@link #writeQuads}). */
    @SuppressWarnings("unchecked")
    private static final VectorMask<Float>[] QUAD_MASKS = new VectorMask[L / QUAD_LANES];

    static {
        for (int c = 0; c < QUAD_MASKS.length; c++) {
            QUAD_MASKS[c] = F.indexInRange(-c * QUAD_LANES, QUAD_LANES);
        }
    }

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorShuffle<Float> ZIP1_LOW = zip(1, false);
    private static final VectorShuffle<Float> ZIP1_HIGH = zip(1, true);
    private static final VectorShuffle<Float> ZIP2_LOW = zip(2, false);
    private static final VectorShuffle<Float> ZIP2_HIGH = zip(2, true);

    private GemmPacking() {
    }

    /**
     * Packs the mc x kc block of A starting at element {@code base} into MR-row panels of kp =
     * {@link GemmBlocking#padded}(kc) steps: dst[panel*MR*kp + p*MR + i] = A[panel*MR + i][p], zero in a padding step
     * p = kc. Full panels of a row-major A (activations) are transposed a vector of p at a time, four rows at a time;
     * a transposed A (contiguous columns) copies MR floats per p.
     */
    static void packA(MemorySegment a, long base, long rowStride, long colStride, int mc, int kc, float[] dst) {
        int kp = GemmBlocking.padded(kc);
        for (int i0 = 0, d = 0; i0 < mc; i0 += MR, d += MR * kp) {
            int rows = Math.min(MR, mc - i0);
            long panel = base + i0 * rowStride;
            int p = 0;
            if (rows == MR && colStride == 1) {
                p = interleaveRows(a, panel, rowStride, kc, dst, d);
            } else if (rows == MR && rowStride == 1) {
                for (int o = d; p < kc; p++, o += MR) {
                    long src = (panel + p * colStride) * Float.BYTES;
                    for (int q = 0; q < MR; q += QUAD_LANES) {
                        FloatVector.fromMemorySegment(QUAD, a, src + (long) q * Float.BYTES, LE).intoArray(dst, o + q);
                    }
                }
            }
            for (int o = d + p * MR; p < kc; p++, o += MR) {
                long src = panel + p * colStride;
                for (int i = 0; i < rows; i++) {
                    dst[o + i] = a.getAtIndex(FLOAT, src + i * rowStride);
                }
                Arrays.fill(dst, o + rows, o + MR, 0f);
            }
            Arrays.fill(dst, d + kc * MR, d + kp * MR, 0f);
        }
    }

    /**
     * dst[d + p*MR + i] = row i at p, for the MR contiguous rows starting at element {@code panel}, a vector of p at a
     * time and four rows at a time (two rounds of zipping: rows 0/1 and 2/3 lane by lane, then those pairs two lanes
     * by two, which leaves the four rows' values of each p side by side). Returns the first p it did not pack.
     */
    private static int interleaveRows(MemorySegment a, long panel, long rowStride, int kc, float[] dst, int d) {
        long rowBytes = rowStride * Float.BYTES;
        int end = kc - kc % L;
        for (int i = 0; i < MR; i += QUAD_LANES) {
            long row0 = (panel + i * rowStride) * Float.BYTES;
            for (int p = 0; p < end; p += L) {
                long at = row0 + (long) p * Float.BYTES;
                FloatVector r0 = FloatVector.fromMemorySegment(F, a, at, LE);
                FloatVector r1 = FloatVector.fromMemorySegment(F, a, at + rowBytes, LE);
                FloatVector r2 = FloatVector.fromMemorySegment(F, a, at + 2 * rowBytes, LE);
                FloatVector r3 = FloatVector.fromMemorySegment(F, a, at + 3 * rowBytes, LE);
                FloatVector lo01 = r0.rearrange(ZIP1_LOW, r1);
                FloatVector hi01 = r0.rearrange(ZIP1_HIGH, r1);
                FloatVector lo23 = r2.rearrange(ZIP1_LOW, r3);
                FloatVector hi23 = r2.rearrange(ZIP1_HIGH, r3);
                int o = d + p * MR + i;
                // the four zipped vectors hold p, p + 1, ... in order, L / 4 of them each
                writeQuads(lo01.rearrange(ZIP2_LOW, lo23), dst, o);
                writeQuads(lo01.rearrange(ZIP2_HIGH, lo23), dst, o + L / 4 * MR);
                writeQuads(hi01.rearrange(ZIP2_LOW, hi23), dst, o + L / 2 * MR);
                writeQuads(hi01.rearrange(ZIP2_HIGH, hi23), dst, o + 3 * L / 4 * MR);
            }
        }
        return end;
    }

    /**
     * dst[o + c*MR + t] = lane 4c + t of v: the four-row groups of successive p, MR floats apart. Each group is a
     * masked store of the whole vector, placed so that lanes 4c..4c+3 land at o + c*MR.
     */
    private static void writeQuads(FloatVector v, float[] dst, int o) {
        if (MR == QUAD_LANES) {
            v.intoArray(dst, o); // the groups are adjacent
            return;
        }
        for (int c = 0; c < L / QUAD_LANES; c++) {
            v.intoArray(dst, o + c * (MR - QUAD_LANES), QUAD_MASKS[c]);
        }
    }

    /**
     * The two-vector shuffle that zips groups of {@code unit} lanes from the low ({@code high} false) or high half
     * of this vector and of the second vector: x0, y0, x1, y1, ... for unit 1; x0 x1, y0 y1, x2 x3, ... for unit 2.
     */
    static VectorShuffle<Float> zip(int unit, boolean high) {
        int[] source = new int[L];
        int start = high ? L / 2 : 0;
        for (int n = 0; n < L; n++) {
            int group = n / (2 * unit);
            int within = n % (2 * unit);
            source[n] = within < unit ? start + group * unit + within : L + start + group * unit + within - unit;
        }
        return VectorShuffle.fromArray(F, source, 0);
    }

    /**
     * Packs the kc x nc block of B starting at element {@code base} into NR-column panels of kp =
     * {@link GemmBlocking#padded}(kc) steps: dst[panel*NR*kp + p*NR + j] = B[p][panel*NR + j], converted to F32, zero
     * in a padding step p = kc. Full panels of a B with contiguous columns (Wᵀ) are transposed by
     * {@link ColumnPanelPacking}, which needs {@code scratch} of {@link ColumnPanelPacking#SCRATCH} floats.
     */
    static void packB(MemorySegment b, ElementType type, long base, long rowStride, long colStride,
                      int kc, int nc, MemorySegment dst, MemorySegment scratch) {
        int kp = GemmBlocking.padded(kc);
        for (int j0 = 0, d = 0; j0 < nc; j0 += NR, d += NR * kp) {
            int cols = Math.min(NR, nc - j0);
            long panel = base + j0 * colStride;
            if (type == ElementType.F32 && colStride == 1 && cols == NR) {
                packRowMajorF32Panel(b, panel, rowStride, kc, dst, d);
            } else if (rowStride == 1 && cols == NR) {
                int p = ColumnPanelPacking.pack(b, type, panel, colStride, kc, dst, d, scratch);
                for (int j = 0; j < NR && p < kc; j++) {
                    copyRun(b, type, panel + j * colStride + p, 1, kc - p, dst, d + p * NR + j, NR);
                }
            } else if (colStride <= rowStride) {
                for (int p = 0, o = d; p < kc; p++, o += NR) {
                    copyRun(b, type, panel + p * rowStride, colStride, cols, dst, o, 1);
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    copyRun(b, type, panel + j * colStride, rowStride, kc, dst, d + j, NR);
                }
            }
            if (cols < NR) {
                for (int p = 0, o = d; p < kc; p++, o += NR) {
                    dst.asSlice((long) (o + cols) * Float.BYTES, (long) (NR - cols) * Float.BYTES).fill((byte) 0);
                }
            }
            dst.asSlice((long) (d + kc * NR) * Float.BYTES, (long) (kp - kc) * NR * Float.BYTES).fill((byte) 0);
        }
    }

    /** Full-width panel of a row-major F32 B: each packed row is NR / L vector copies. */
    private static void packRowMajorF32Panel(MemorySegment b, long panel, long rowStride, int kc,
                                             MemorySegment dst, int d) {
        long byteOffset = panel * Float.BYTES;
        long byteStride = rowStride * Float.BYTES;
        for (int p = 0, o = d; p < kc; p++, o += NR, byteOffset += byteStride) {
            for (int v = 0; v < NR; v += L) {
                FloatVector.fromMemorySegment(F, b, byteOffset + (long) v * Float.BYTES, LE)
                        .intoMemorySegment(dst, (long) (o + v) * Float.BYTES, LE);
            }
        }
    }

    /** dst[o + t*dstStep] = element (src + t*srcStride) as float, for t &lt; count. */
    private static void copyRun(MemorySegment seg, ElementType type, long src, long srcStride, int count,
                                MemorySegment dst, int o, int dstStep) {
        switch (type) {
            case F32 -> {
                for (int t = 0; t < count; t++, o += dstStep) {
                    dst.setAtIndex(FLOAT, o, seg.getAtIndex(FLOAT, src + t * srcStride));
                }
            }
            case BF16 -> {
                for (int t = 0; t < count; t++, o += dstStep) {
                    dst.setAtIndex(FLOAT, o, Float.intBitsToFloat(seg.getAtIndex(SHORT, src + t * srcStride) << 16));
                }
            }
            case F16 -> {
                for (int t = 0; t < count; t++, o += dstStep) {
                    dst.setAtIndex(FLOAT, o, Float.float16ToFloat(seg.getAtIndex(SHORT, src + t * srcStride)));
                }
            }
        }
    }
}
