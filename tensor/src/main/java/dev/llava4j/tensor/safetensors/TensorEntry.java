package dev.llava4j.tensor.safetensors;

import dev.llava4j.tensor.DType;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor as described by a safetensors header.
 *
 * @param name  tensor name
 * @param dtype element type
 * @param shape dimensions, row-major; {@code []} is a scalar, a 0 dimension makes the tensor empty
 * @param begin first byte, relative to the start of the file's data buffer (after the header)
 * @param end   one past the last byte, relative to the data buffer
 * @param file  the file that holds the bytes (lets a sharded checkpoint say where each tensor lives)
 */
public record TensorEntry(String name, DType dtype, long[] shape, long begin, long end, Path file) {

    public TensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(file, "file");
        shape = shape.clone(); // the record must not share a mutable array with its creator
    }

    /** A copy of the dimensions (the record stays immutable). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Size of the tensor's bytes: {@code end - begin}, equal to {@code numel() * dtype.byteSize()}. */
    public long byteSize() {
        return end - begin;
    }

    // Records compare arrays by identity; a tensor description is a value, so compare the dimensions.
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t
                && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end && file.equals(t.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end, file);
    }

    @Override
    public String toString() {
        return "TensorEntry[" + name + ", " + dtype + ", " + Arrays.toString(shape)
                + ", bytes " + begin + ".." + end + ", " + file + "]";
    }
}
