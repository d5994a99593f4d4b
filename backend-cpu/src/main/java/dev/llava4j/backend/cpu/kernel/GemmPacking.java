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

/**
 * Copies strided blocks of A and B into the contiguous panel layouts {@link MicroKernel} reads,
 * converting BF16/F16 to F32 on the way. Panels on the right/bottom edge are zero-padded to full
 * MR/NR width so the kernel never needs a tail case.
 *
 * <p>Loop order follows the smaller source stride so that reads stay sequential whatever the
 * transposition; writes go to the packed buffers, which are cache resident.
 */
final class GemmPacking {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private GemmPacking() {
    }

    /**
     * Packs the mc x kc block of A starting at element {@code base} into MR-row panels:
     * dst[panel*MR*kc + p*MR + i] = A[panel*MR + i][p].
     */
    static void packA(MemorySegment a, long base, long rowStride, long colStride, int mc, int kc, float[] dst) {
        for (int i0 = 0, d = 0; i0 < mc; i0 += MR, d += MR * kc) {
            int rows = Math.min(MR, mc - i0);
            long panel = base + i0 * rowStride;
            if (colStride <= rowStride) {
                for (int i = 0; i < rows; i++) {
                    long src = panel + i * rowStride;
                    for (int p = 0, o = d + i; p < kc; p++, o += MR) {
                        dst[o] = a.getAtIndex(FLOAT, src + p * colStride);
                    }
                }
            } else {
                for (int p = 0, o = d; p < kc; p++, o += MR) {
                    long src = panel + p * colStride;
                    for (int i = 0; i < rows; i++) {
                        dst[o + i] = a.getAtIndex(FLOAT, src + i * rowStride);
                    }
                }
            }
            if (rows < MR) {
                for (int p = 0, o = d; p < kc; p++, o += MR) {
                    Arrays.fill(dst, o + rows, o + MR, 0f);
                }
            }
        }
    }

    /**
     * Packs the kc x nc block of B starting at element {@code base} into NR-column panels:
     * dst[panel*NR*kc + p*NR + j] = B[p][panel*NR + j], converted to F32.
     */
    static void packB(MemorySegment b, ElementType type, long base, long rowStride, long colStride,
                      int kc, int nc, float[] dst) {
        for (int j0 = 0, d = 0; j0 < nc; j0 += NR, d += NR * kc) {
            int cols = Math.min(NR, nc - j0);
            long panel = base + j0 * colStride;
            if (type == ElementType.F32 && colStride == 1 && cols == NR) {
                packRowMajorF32Panel(b, panel, rowStride, kc, dst, d);
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
                    Arrays.fill(dst, o + cols, o + NR, 0f);
                }
            }
        }
    }

    /** Full-width panel of a row-major F32 B: each packed row is two vector copies. */
    private static void packRowMajorF32Panel(MemorySegment b, long panel, long rowStride, int kc,
                                             float[] dst, int d) {
        long byteOffset = panel * Float.BYTES;
        long byteStride = rowStride * Float.BYTES;
        for (int p = 0, o = d; p < kc; p++, o += NR, byteOffset += byteStride) {
            FloatVector.fromMemorySegment(F, b, byteOffset, ByteOrder.LITTLE_ENDIAN).intoArray(dst, o);
            FloatVector.fromMemorySegment(F, b, byteOffset + (long) L * Float.BYTES, ByteOrder.LITTLE_ENDIAN)
                    .intoArray(dst, o + L);
        }
    }

    /** dst[o + t*dstStep] = element (src + t*srcStride) as float, for t &lt; count. */
    private static void copyRun(MemorySegment seg, ElementType type, long src, long srcStride, int count,
                                float[] dst, int o, int dstStep) {
        switch (type) {
            case F32 -> {
                for (int t = 0; t < count; t++, o += dstStep) {
                    dst[o] = seg.getAtIndex(FLOAT, src + t * srcStride);
                }
            }
            case BF16 -> {
                for (int t = 0; t < count; t++, o += dstStep) {
                    dst[o] = Float.intBitsToFloat(seg.getAtIndex(SHORT, src + t * srcStride) << 16);
                }
            }
            case F16 -> {
                for (int t = 0; t < count; t++, o += dstStep) {
                    dst[o] = Float.float16ToFloat(seg.getAtIndex(SHORT, src + t * srcStride));
                }
            }
        }
    }
}
