package dev.llava4j.backend.cuda;

import org.lwjgl.cuda.CU;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory (cuMemHostAlloc): the only host memory the DMA engines copy from asynchronously at full
 * speed. Must be closed; the context must be current on the closing thread.
 */
final class PinnedBuffer implements AutoCloseable {
    private final long address;
    private final MemorySegment segment;
    private boolean closed;

    PinnedBuffer(long bytes) {
        this.address = Cu.outLong("cuMemHostAlloc(" + bytes + " bytes)", out -> CU.ncuMemHostAlloc(out, bytes, 0));
        this.segment = MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    MemorySegment segment() {
        return segment;
    }

    long address() {
        return address;
    }

    long size() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Cu.check(CU.ncuMemFreeHost(address), "cuMemFreeHost");
        }
    }
}
