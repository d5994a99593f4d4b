package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Storage;
import dev.llava4j.tensor.Tensor;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Device memory that tensors on {@link Device#CUDA} view. The block comes from the context's caching allocator
 * and goes back to it exactly once: on {@link #release()} or, failing that, when the storage becomes unreachable.
 * After release {@link #pointer()} throws, so a released tensor can never reach a kernel.
 */
public final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final long pointer;
    private final Freer freer;
    private final Cleaner.Cleanable cleanable;

    private CudaStorage(long pointer, long byteSize, Freer freer) {
        super(byteSize, Device.CUDA);
        this.pointer = pointer;
        this.freer = freer;
        this.cleanable = CLEANER.register(this, freer);
    }

    /** Uninitialised device memory of {@code byteSize} bytes. */
    static CudaStorage allocate(CudaContext ctx, long byteSize) {
        long p = byteSize == 0 ? 0 : ctx.allocator().allocate(byteSize);
        return new CudaStorage(p, byteSize, new Freer(ctx.allocator(), p, byteSize));
    }

    /** The device address of the block. */
    public long pointer() {
        checkAlive();
        return pointer;
    }

    /**
     * Device address of element {@code t.offset()} of a CUDA tensor. A host tensor is an error: on a machine
     * without CUDA the {@link CudaUnavailableException} with the probe's reason, else one naming the tensor.
     */
    static long address(Tensor t) {
        if (!(t.storage() instanceof CudaStorage cs)) {
            CudaRuntime.requireAvailable();  // without a GPU that is the real problem
            throw new IllegalArgumentException("the CUDA backend was given a tensor on " + t.device() + " (dtype "
                    + t.dtype() + ", shape " + java.util.Arrays.toString(t.shape()) + "); copy it with"
                    + " CudaTensors.toDevice first");
        }
        return cs.pointer() + (long) t.offset() * t.dtype().byteSize();
    }

    @Override
    public boolean isAlive() {
        return !freer.released.get();
    }

    @Override
    public void release() {
        cleanable.clean();
    }

    /** Returns the block to the allocator once, whoever calls first (release, or the cleaner). */
    private static final class Freer implements Runnable {
        private final DeviceAllocator allocator;
        private final long pointer;
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        Freer(DeviceAllocator allocator, long pointer, long bytes) {
            this.allocator = allocator;
            this.pointer = pointer;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true) && pointer != 0) {
                allocator.free(pointer, bytes);
            }
        }
    }
}
