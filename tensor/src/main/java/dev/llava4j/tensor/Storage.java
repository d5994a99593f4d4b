package dev.llava4j.tensor;

/**
 * A block of memory on one device that tensors view. Storages are released explicitly ({@link #release()}),
 * by the {@link TensorScope} they were allocated in, or by the garbage collector when nothing references them.
 * Any use after release throws {@link IllegalStateException}.
 */
public abstract class Storage {
    private final long byteSize;
    private final Device device;

    protected Storage(long byteSize, Device device) {
        this.byteSize = byteSize;
        this.device = device;
    }

    public final long byteSize() {
        return byteSize;
    }

    public final Device device() {
        return device;
    }

    public abstract boolean isAlive();

    /** Frees the memory now. Idempotent. Views of this storage become unusable. */
    public abstract void release();

    /** Throws a clear error when the storage was released. */
    public final void checkAlive() {
        if (!isAlive()) {
            throw new IllegalStateException("tensor storage of " + byteSize + " bytes was already released"
                    + " (its TensorScope closed or release() was called); keep tensors you need with TensorScope.keep()");
        }
    }
}
