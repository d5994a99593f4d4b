package dev.llava4j.backend.cpu.kernel;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Up-front validation of strided matrix operands, so bad views fail with a precise message. */
final class OperandCheck {

    private OperandCheck() {
    }

    static void dimensions(String kernel, long... dims) {
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(kernel + ": dimensions must be >= 0, got " + Arrays.toString(dims));
            }
        }
    }

    /**
     * Checks that every element (b, r, c) with b &lt; batch, r &lt; rows, c &lt; cols, at index
     * offset + b*batchStride + r*rowStride + c*colStride, lies inside the segment.
     */
    static void matrix(String kernel, String name, MemorySegment seg, ElementType type, long offset,
                       long batch, long batchStride, long rows, long rowStride, long cols, long colStride,
                       boolean written) {
        if (seg == null) {
            throw new NullPointerException(kernel + ": segment of operand " + name + " is null");
        }
        if (type == null) {
            throw new NullPointerException(kernel + ": element type of operand " + name + " is null");
        }
        if (offset < 0 || batchStride < 0 || rowStride < 0 || colStride < 0) {
            throw new IllegalArgumentException(kernel + ": operand " + name + " needs non-negative offset and strides, got offset="
                    + offset + ", batchStride=" + batchStride + ", rowStride=" + rowStride + ", colStride=" + colStride);
        }
        if (written && seg.isReadOnly()) {
            throw new IllegalArgumentException(kernel + ": output operand " + name + " is a read-only segment");
        }
        if (batch == 0 || rows == 0 || cols == 0) {
            return;
        }
        long last;
        long bytes;
        try {
            last = Math.addExact(offset, Math.addExact(Math.multiplyExact(batch - 1, batchStride),
                    Math.addExact(Math.multiplyExact(rows - 1, rowStride), Math.multiplyExact(cols - 1, colStride))));
            bytes = Math.multiplyExact(last + 1, (long) type.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(kernel + ": operand " + name + " extent overflows a long", e);
        }
        if (bytes > seg.byteSize()) {
            throw new IndexOutOfBoundsException(kernel + ": operand " + name + " [batch=" + batch + ", rows=" + rows
                    + ", cols=" + cols + "] at offset " + offset + " with strides (" + batchStride + ", " + rowStride
                    + ", " + colStride + ") of " + type + " needs " + bytes + " bytes but its segment has "
                    + seg.byteSize());
        }
    }
}
