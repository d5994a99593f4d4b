package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * B packing, element by element and bit for bit, against the definition dst[panel*NR*kc + p*NR + j] = B[p][panel*NR
 * + j], for both layouts (row-major, and contiguous columns as in Wᵀ, which is transposed in vector blocks), every
 * dtype and sizes around the vector block (L or 2L rows) and the panel width NR. The 16-bit weights are random bit
 * patterns, so NaN, infinities and subnormals go through the vector conversions too; the padding of a partial
 * panel must be zero.
 */
class GemmPackingTest {

    private static final int[] KCS = {1, 7, 15, 16, 17, 31, 32, 33, 48, 100, 257};
    private static final int[] NCS = {1, 5, NR - 1, NR, NR + 1, 2 * NR + 3};

    @ParameterizedTest
    @EnumSource(ElementType.class)
    void packedPanelsHoldEveryElementOfB(ElementType type) {
        Random rnd = new Random(11 + type.ordinal());
        float[] scratch = new float[ColumnPanelPacking.SCRATCH];
        try (Arena arena = Arena.ofConfined()) {
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
                        float[] dst = new float[panels * NR * kc];
                        Arrays.fill(dst, Float.NaN); // padding that is not written shows up
                        GemmPacking.packB(b, type, 5, rowStride, colStride, kc, nc, dst, scratch);
                        String what = type + (columnsContiguous ? " Wᵀ" : " row-major") + " kc=" + kc + " nc=" + nc;
                        check(what, b, type, rowStride, colStride, kc, nc, dst);
                    }
                }
            }
        }
    }

    private static void check(String what, MemorySegment b, ElementType type, long rowStride, long colStride,
                              int kc, int nc, float[] dst) {
        for (int panel = 0; panel * NR < nc; panel++) {
            for (int p = 0; p < kc; p++) {
                for (int j = 0; j < NR; j++) {
                    int col = panel * NR + j;
                    float expected = col < nc
                            ? (float) TestMatrix.read(b, type, 5 + p * rowStride + col * colStride) : 0f;
                    float actual = dst[panel * NR * kc + p * NR + j];
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
