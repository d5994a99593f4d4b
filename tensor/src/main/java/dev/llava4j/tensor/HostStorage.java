package dev.llava4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Off-heap CPU storage: a 64-byte aligned {@link MemorySegment}. Owned storages take their memory from
 * {@link HostMemoryPool} and give it back when released; a released storage reports itself dead, so
 * {@link Tensor#segment()} throws on use after free. Wrapped storages (memory-mapped checkpoint data) are owned by
 * whoever mapped them and are not counted in {@link MemoryStats}.
 */
public final class HostStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final MemorySegment segment;
    private final Cleaner.Cleanable cleanable;
    private final Freer freer;

    private HostStorage(MemorySegment segment, Freer freer) {
        super(segment.byteSize(), Device.CPU);
        this.segment = segment;
        this.freer = freer;
        this.cleanable = freer == null ? null : CLEANER.register(this, freer);
    }

    /** Allocates zero-filled memory, registered with the current {@link TensorScope} if one is open. */
    public static HostStorage allocate(long byteSize) {
        HostMemoryPool.Block block = HostMemoryPool.take(Math.max(byteSize, 1));
        MemorySegment seg = block.memory().asSlice(0, byteSize);
        HostStorage s = new HostStorage(seg, new Freer(block, byteSize));
        MemoryStats.allocated(byteSize);
        TensorScope.register(s);
        return s;
    }

    /** Wraps memory owned elsewhere (e.g. a memory-mapped safetensors file); never freed by llava4j. */
    public static HostStorage wrap(MemorySegment segment) {
        return new HostStorage(segment, null);
    }

    /** The raw memory. Callers must hold the storage alive while using it. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public boolean isAlive() {
        return segment.scope().isAlive() && (freer == null || !freer.released.get());
    }

    @Override
    public void release() {
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** Frees the arena exactly once, whether released explicitly, by a scope or by the garbage collector. */
    private static final class Freer implements Runnable {
        private final HostMemoryPool.Block block;
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        Freer(HostMemoryPool.Block block, long bytes) {
            this.block = block;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                MemoryStats.released(bytes);
                HostMemoryPool.give(block);
            }
        }
    }
}
