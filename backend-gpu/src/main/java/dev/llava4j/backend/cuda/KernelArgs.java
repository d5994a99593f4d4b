package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernelParams array of one cuLaunchKernel call: every argument value is written to its own aligned slot and
 * the launch receives an array of pointers to the slots. The order and C types must match the kernel signature;
 * {@link #tensor} writes the two arguments {@code (const void* data, int dtype)} that every kernel takes per operand,
 * with the pointer already advanced to the view's offset.
 */
final class KernelArgs implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final List<MemorySegment> slots = new ArrayList<>();

    KernelArgs i32(int v) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_INT);
        s.set(ValueLayout.JAVA_INT, 0, v);
        slots.add(s);
        return this;
    }

    KernelArgs i64(long v) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_LONG);
        s.set(ValueLayout.JAVA_LONG, 0, v);
        slots.add(s);
        return this;
    }

    KernelArgs f32(double v) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT);
        s.set(ValueLayout.JAVA_FLOAT, 0, (float) v);
        slots.add(s);
        return this;
    }

    KernelArgs f64(double v) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_DOUBLE);
        s.set(ValueLayout.JAVA_DOUBLE, 0, v);
        slots.add(s);
        return this;
    }

    /** A device pointer (0 for an absent optional operand). */
    KernelArgs ptr(long address) {
        return i64(address);
    }

    /** (data pointer at the view's offset, dtype code) of a device tensor; (0, 0) for null. */
    KernelArgs tensor(Tensor t) {
        if (t == null) {
            return ptr(0).i32(0);
        }
        return ptr(CudaStorage.address(t)).i32(KernelCodes.dtype(t.dtype()));
    }

    /** struct Dims { int rank; int size[8]; } */
    KernelArgs dims(int[] shape) {
        Layouts.checkRank(shape.length, "kernel launch");
        int[] s = new int[1 + Layouts.MAX_RANK];
        s[0] = shape.length;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return struct(s);
    }

    /** struct Strides { int s[8]; } */
    KernelArgs strides(int[] strides) {
        Layouts.checkRank(strides.length, "kernel launch");
        int[] s = new int[Layouts.MAX_RANK];
        System.arraycopy(strides, 0, s, 0, strides.length);
        return struct(s);
    }

    /** A by-value struct made only of ints, in declaration order. */
    KernelArgs struct(int... fields) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_INT, fields.length);
        for (int i = 0; i < fields.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_INT, i, fields[i]);
        }
        slots.add(s);
        return this;
    }

    /** Address of the void*[] array of slot addresses, valid until close. */
    long pointerArray() {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, Math.max(1, slots.size()));
        for (int i = 0; i < slots.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, slots.get(i));
        }
        return array.address();
    }

    @Override
    public void close() {
        arena.close();
    }
}
