package dev.llava4j.backend.cpu.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * A strided test matrix: a rows x cols view inside a larger random buffer (padding around it and
 * between rows), stored row-major or transposed, in F32, BF16 or F16.
 */
record TestMatrix(MemorySegment segment, ElementType type, long offset, long rowStride, long colStride,
                  int rows, int cols) {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * @param transposed store the matrix column-major (as the transpose of a row-major buffer)
     * @param padded     embed the view in a bigger buffer (offset and row padding), else dense
     */
    static TestMatrix random(Arena arena, Random rnd, ElementType type, int rows, int cols,
                             boolean transposed, boolean padded) {
        int storedRows = transposed ? cols : rows;
        int storedCols = transposed ? rows : cols;
        long ld = storedCols + (padded ? 5 : 0);
        long offset = padded ? 2 * ld + 3 : 0;
        long count = offset + storedRows * ld + (padded ? 2 * ld : 0);
        MemorySegment seg = arena.allocate(Math.max(1, count) * type.byteSize(), 64);
        for (long i = 0; i < count; i++) {
            put(seg, type, i, rnd.nextFloat() * 2f - 1f);
        }
        long rowStride = transposed ? 1 : ld;
        long colStride = transposed ? ld : 1;
        return new TestMatrix(seg, type, offset, rowStride, colStride, rows, cols);
    }

    long index(int r, int c) {
        return offset + r * rowStride + c * colStride;
    }

    /** The stored value (after rounding to the storage type), exactly, as a double. */
    double get(int r, int c) {
        return read(segment, type, index(r, c));
    }

    static double read(MemorySegment seg, ElementType type, long index) {
        return switch (type) {
            case F32 -> seg.getAtIndex(FLOAT, index);
            case BF16 -> Float.intBitsToFloat(seg.getAtIndex(SHORT, index) << 16);
            case F16 -> Float.float16ToFloat(seg.getAtIndex(SHORT, index));
        };
    }

    static void put(MemorySegment seg, ElementType type, long index, float value) {
        switch (type) {
            case F32 -> seg.setAtIndex(FLOAT, index, value);
            case BF16 -> seg.setAtIndex(SHORT, index, (short) (Float.floatToRawIntBits(value) >>> 16));
            case F16 -> seg.setAtIndex(SHORT, index, Float.floatToFloat16(value));
        }
    }

    /** Copy of every float of the backing buffer, to check later that nothing outside the view changed. */
    float[] snapshot() {
        return segment.toArray(FLOAT);
    }

    /**
     * Asserts C == alpha * A·B + beta * C0 for this F32 matrix (C0 = {@code before}) with tolerance
     * 1e-5 * sqrt(K) * (|alpha| * sum_p |A_ip * B_pj| + |beta * C0_ij|) + 1e-30, the double-accumulated
     * reference; with {@code checkOutside}, all buffer elements outside the view must be unchanged.
     */
    void assertProduct(String what, float alpha, TestMatrix a, TestMatrix b, float beta, float[] before,
                       boolean checkOutside) {
        int k = a.cols();
        double tolScale = 1e-5 * Math.sqrt(Math.max(1, k));
        float[] after = snapshot();
        boolean[] inView = new boolean[after.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double dot = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double term = a.get(i, p) * b.get(p, j);
                    dot += term;
                    magnitude += Math.abs(term);
                }
                int idx = (int) index(i, j);
                inView[idx] = true;
                double c0 = beta == 0f ? 0 : before[idx];
                double expected = alpha * dot + beta * c0;
                double tol = tolScale * (Math.abs(alpha) * magnitude + Math.abs(beta * c0)) + 1e-30;
                double actual = after[idx];
                if (!(Math.abs(actual - expected) <= tol)) {
                    throw new AssertionError(what + ": C[" + i + "][" + j + "] = " + actual + ", expected " + expected
                            + " (tolerance " + tol + ")");
                }
            }
        }
        for (int idx = 0; checkOutside && idx < after.length; idx++) {
            if (!inView[idx] && Float.floatToRawIntBits(after[idx]) != Float.floatToRawIntBits(before[idx])) {
                throw new AssertionError(what + ": element " + idx + " outside the C view was modified");
            }
        }
    }
}
