package dev.llava4j.tensor.safetensors;

import dev.llava4j.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A tensor to write: its raw bytes must already be little-endian, row-major and exactly
 * {@code numel(shape) * dtype.byteSize()} long (checked by the writer).
 */
public record WriteEntry(String name, DType dtype, long[] shape, MemorySegment data) {

    public WriteEntry {
        shape = shape == null ? null : shape.clone();
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    @Override
    public String toString() {
        return "WriteEntry[" + name + ", " + dtype + ", " + Arrays.toString(shape) + ", "
                + (data == null ? "no data" : data.byteSize() + " bytes") + "]";
    }
}
