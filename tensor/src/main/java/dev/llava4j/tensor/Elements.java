package dev.llava4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Reads and writes single elements of any dtype in little-endian memory, as double. The scalar path of every kernel. */
public final class Elements {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Elements() {
    }

    public static double get(MemorySegment seg, DType dtype, long index) {
        return switch (dtype) {
            case F32 -> seg.getAtIndex(F32, index);
            case F64 -> seg.getAtIndex(F64, index);
            case BF16 -> Float.intBitsToFloat((seg.getAtIndex(I16, index) & 0xffff) << 16);
            case F16 -> Float.float16ToFloat(seg.getAtIndex(I16, index));
            case I64 -> seg.getAtIndex(I64, index);
            case I32 -> seg.getAtIndex(I32, index);
            case I16 -> seg.getAtIndex(I16, index);
            case I8 -> seg.get(ValueLayout.JAVA_BYTE, index);
            case U8 -> seg.get(ValueLayout.JAVA_BYTE, index) & 0xff;
            case BOOL -> seg.get(ValueLayout.JAVA_BYTE, index) != 0 ? 1 : 0;
        };
    }

    public static long getLong(MemorySegment seg, DType dtype, long index) {
        return switch (dtype) {
            case I64 -> seg.getAtIndex(I64, index);
            case I32 -> seg.getAtIndex(I32, index);
            default -> (long) get(seg, dtype, index);
        };
    }

    /** Stores a value, converting like PyTorch: floats round to nearest even, integers truncate toward zero. */
    public static void set(MemorySegment seg, DType dtype, long index, double v) {
        switch (dtype) {
            case F32 -> seg.setAtIndex(F32, index, (float) v);
            case F64 -> seg.setAtIndex(F64, index, v);
            case BF16 -> seg.setAtIndex(I16, index, FloatFormats.floatToBf16((float) v));
            case F16 -> seg.setAtIndex(I16, index, Float.floatToFloat16((float) v));
            case I64 -> seg.setAtIndex(I64, index, (long) v);
            case I32 -> seg.setAtIndex(I32, index, (int) (long) v);
            case I16 -> seg.setAtIndex(I16, index, (short) (long) v);
            case I8, U8 -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) (long) v);
            case BOOL -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) (v != 0 ? 1 : 0));
        }
    }

    public static void setLong(MemorySegment seg, DType dtype, long index, long v) {
        switch (dtype) {
            case I64 -> seg.setAtIndex(I64, index, v);
            case I32 -> seg.setAtIndex(I32, index, (int) v);
            default -> set(seg, dtype, index, v);
        }
    }
}
