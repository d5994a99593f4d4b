package dev.llava4j.cli;

import dev.llava4j.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/** The bytes of a contiguous tensor in its storage, for the benches' streaming-read yardsticks. */
final class TensorBytes {
    private TensorBytes() {
    }

    static MemorySegment of(Tensor t) {
        long elementBytes = t.dtype().byteSize();
        return t.segment().asSlice(t.offset() * elementBytes, t.numel() * elementBytes);
    }
}
