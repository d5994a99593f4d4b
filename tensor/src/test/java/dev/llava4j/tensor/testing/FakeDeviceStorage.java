package dev.llava4j.tensor.testing;

import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.HostStorage;
import dev.llava4j.tensor.Storage;
import dev.llava4j.tensor.TensorScope;

/**
 * "Device memory" for tests on machines without a GPU: host memory behind a storage that reports
 * {@link Device#CUDA}, so {@code Tensor.segment()} refuses it exactly as it refuses real device memory. Only
 * {@link FakeDeviceBackend} looks inside.
 */
public final class FakeDeviceStorage extends Storage {
    /** Bytes a fresh block is filled with: all-ones bits read as NaN (floats) or -1 (integers), never as zeros. */
    private static final byte GARBAGE = (byte) 0xFF;

    private final HostStorage host;

    private FakeDeviceStorage(HostStorage host) {
        super(host.byteSize(), Device.CUDA);
        this.host = host;
    }

    /**
     * A block whose contents are garbage, like a reused block of a caching GPU allocator, so code that relies on
     * fresh device memory being zero fails here. The inner host block belongs to no scope: the frontend registers
     * this storage, as it does real device storages.
     */
    static FakeDeviceStorage allocate(long bytes) {
        HostStorage h = TensorScope.outside(() -> HostStorage.allocate(bytes));
        h.segment().fill(GARBAGE);
        return new FakeDeviceStorage(h);
    }

    /** The host memory behind this "device" block (the fake backend's kernels run on it). */
    HostStorage host() {
        checkAlive();
        return host;
    }

    @Override
    public boolean isAlive() {
        return host.isAlive();
    }

    @Override
    public void release() {
        host.release();
    }
}
