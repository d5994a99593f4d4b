package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A and B packing, element by element and bit for bit. For B, against the definition dst[panel*NR*kp + p*NR + j] =
 * B[p][panel*NR + j] (kp: kc rounded up to even, with a zero padding step), for both layouts (row-major, and
 * contiguous columns as in Wᵀ, which is transposed in vector blocks), every dtype and sizes around the vector block
 * (L or 2L rows) and the panel width NR. The 16-bit weights are random bit patterns, so NaN, infinities and
 * subnormals go through the vector conversions too; the padding of a partial panel must be zero.
 */
class GemmPackingTest {

    private static final int[] KCS = {1, 7, 15, 16, 17, 31, 32, 33, 48, 100, 257};
    private static final int[] NCS = {1, 5, NR - 1, NR, NR + 1, 2 * NR + 3};

    @ParameterizedTest
    @EnumSource(ElementType.class)
    void packedPanelsHoldEveryElementOfB(ElementType type) {
        Random rnd = new Random(11 + type.ordinal());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(ColumnPanelPacking.SCRATCH * 4L, 64);
            for (boolean columnsContiguous : new boolean[] {false, true}) {
                for (int kc : KCS) {
                    for (int nc : NCS) {
                        // a strided view: 3 elements of padding per stored row, offset 5
                        long ld = (columnsContiguous ? kc : nc) + 3;
                        long rows = columnsContiguous ? nc : kc;
                        MemorySegment b = randomBits(arena, rnd, type, 5 + rows * ld);
                        long rowStride = columnsContiguous ? 1 : ld;
                        long colStride = columnsContiguous ? ld : 1;
                        int panels = (nc + NR - 1) / NR;
                        MemorySegment dst = arena.allocate((long) panels * NR * GemmBlocking.padded(kc) * 4, 64);
                        for (long i = 0; i < dst.byteSize() / 4; i++) {
                            dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.NaN); // padding that is not written shows up
                        }
                        GemmPacking.packB(b, type, 5, rowStride, colStride, kc, nc, dst, scratch);
                        String what = type + (columnsContiguous ? " Wᵀ" : " row-major") + " kc=" + kc + " nc=" + nc;
                        check(what, b, type, rowStride, colStride, kc, nc, dst);
                    }
                }
            }
        }
    }

    /**
     * A packing, bit for bit, against dst[panel*MR*kp + p*MR + i] = A[panel*MR + i][p] (kp: kc rounded up to even)
     * for a row-major A (transposed four rows and a vector of p at a time), a transposed A (contiguous columns) and a
     * general strided A, with mc around the tile height MR and kc around the vector length; the rows of a partial
     * panel and the step that pads an odd kc must be zero.
     */
    @Test
    void packedPanelsHoldEveryElementOfA() {
        Random rnd = new Random(5);
        int[] mcs = {1, 3, MR - 1, MR, MR + 1, 2 * MR + 5};
        long[][] layouts = {{-1, 1}, {1, -1}, {-1, 3}}; // -1: the dense stride (ld), as {rowStride, colStride}
        try (Arena arena = Arena.ofConfined()) {
            for (long[] layout : layouts) {
                for (int kc : KCS) {
                    for (int mc : mcs) {
                        long ld = (layout[0] == -1 ? (long) kc * layout[1] : mc) + 3;
                        long rowStride = layout[0] == -1 ? ld : layout[0];
                        long colStride = layout[1] == -1 ? ld : layout[1];
                        long elements = 7 + (mc - 1) * rowStride + (kc - 1) * colStride + 1;
                        MemorySegment a = randomBits(arena, rnd, ElementType.F32, elements);
                        int panels = (mc + MR - 1) / MR;
                        int kp = GemmBlocking.padded(kc);
                        float[] dst = new float[panels * MR * kp];
                        Arrays.fill(dst, Float.NaN);
                        GemmPacking.packA(a, 7, rowStride, colStride, mc, kc, dst);
                        for (int panel = 0; panel < panels; panel++) {
                            for (int p = 0; p < kp; p++) {
                                for (int i = 0; i < MR; i++) {
                                    int row = panel * MR + i;
                                    float expected = row < mc && p < kc
                                            ? (float) TestMatrix.read(a, ElementType.F32, 7 + row * rowStride + p * colStride)
                                            : 0f;
                                    float actual = dst[panel * MR * kp + p * MR + i];
                                    if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual)) {
                                        fail("A strides " + rowStride + "/" + colStride + " kc=" + kc + " mc=" + mc + ": A["
                                                + row + "][" + p + "] packed as " + actual + ", expected " + expected);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void check(String what, MemorySegment b, ElementType type, long rowStride, long colStride,
                              int kc, int nc, MemorySegment dst) {
        int kp = GemmBlocking.padded(kc);
        for (int panel = 0; panel * NR < nc; panel++) {
            for (int p = 0; p < kp; p++) {
                for (int j = 0; j < NR; j++) {
                    int col = panel * NR + j;
                    float expected = col < nc && p < kc
                            ? (float) TestMatrix.read(b, type, 5 + p * rowStride + col * colStride) : 0f;
                    float actual = dst.getAtIndex(ValueLayout.JAVA_FLOAT, (long) panel * NR * kp + p * NR + j);
                    if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual)) {
                        fail(what + ": B[" + p + "][" + col + "] packed as " + actual + ", expected " + expected);
                    }
                }
            }
        }
    }

    private static MemorySegment randomBits(Arena arena, Random rnd, ElementType type, long count) {
        MemorySegment seg = arena.allocate(count * type.byteSize(), 64);
        for (long i = 0; i < count; i++) {
            if (type == ElementType.F32) {
                TestMatrix.put(seg, type, i, (float) rnd.nextGaussian());
            } else {
                seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) rnd.nextInt());
            }
        }
        return seg;
    }
}
