package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.HostStorage;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;

/**
 * Backend-level creation of GPU tensors and host/device moves. Model code uses the frontend instead
 * ({@code Tensor.empty(Device.CUDA, ...)}, {@code Tensor.to(Device)}), which registers storages with the open
 * TensorScope; the storages made here belong to no scope (released explicitly or by the garbage collector). Copies
 * keep a view's layout: only the storage range the view spans is transferred and the copy has the same shape and
 * strides (offset rebased to 0).
 */
public final class CudaTensors {
    private CudaTensors() {
    }

    /** Uninitialised contiguous device tensor. */
    public static Tensor empty(DType dtype, int... shape) {
        CudaContext ctx = CudaContext.get();
        long bytes = (long) Shape.numel(shape) * dtype.byteSize();
        return new Tensor(CudaStorage.allocate(ctx, bytes), dtype, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /** Zero-filled contiguous device tensor. */
    public static Tensor zeros(DType dtype, int... shape) {
        Tensor t = empty(dtype, shape);
        CudaContext.get().zero(CudaStorage.address(t), t.storage().byteSize());
        return t;
    }

    /** A device copy of a host tensor (the same tensor when it already lives on the GPU). */
    public static Tensor toDevice(Tensor t) {
        if (t.storage() instanceof CudaStorage) {
            return t;
        }
        CudaContext ctx = CudaContext.get();
        long[] span = span(t);
        long bytes = (span[1] - span[0]) * t.dtype().byteSize();
        CudaStorage st = CudaStorage.allocate(ctx, bytes);
        if (bytes > 0) {
            ctx.copyToDevice(t.segment().asSlice(span[0] * t.dtype().byteSize(), bytes), st.pointer(), bytes);
        }
        return new Tensor(st, t.dtype(), t.shape(), t.strides(), (int) (t.offset() - span[0]));
    }

    /** A host copy of a device tensor, waiting for queued work first (the same tensor when already on the host). */
    public static Tensor toHost(Tensor t) {
        if (!(t.storage() instanceof CudaStorage cs)) {
            return t;
        }
        CudaContext ctx = CudaContext.get();
        long[] span = span(t);
        long bytes = (span[1] - span[0]) * t.dtype().byteSize();
        HostStorage st = HostStorage.allocate(bytes);
        if (bytes > 0) {
            ctx.copyToHost(cs.pointer() + span[0] * t.dtype().byteSize(), st.segment(), bytes);
        } else {
            ctx.synchronize();
        }
        return new Tensor(st, t.dtype(), t.shape(), t.strides(), (int) (t.offset() - span[0]));
    }

    /** Waits for all queued GPU work and raises any index error a kernel recorded. */
    public static void synchronize() {
        CudaContext.get().synchronize();
    }

    /** The caching allocator's counters. */
    public static AllocatorStats memoryStats() {
        return CudaContext.get().allocator().stats();
    }

    /** Returns cached (free) device blocks to the driver. */
    public static void emptyCache() {
        CudaContext ctx = CudaContext.get();
        ctx.synchronize();
        ctx.allocator().emptyCache();
    }

    /** [first, last + 1) element range of storage a view touches (strides are non-negative in llava4j). */
    static long[] span(Tensor t) {
        if (t.numel() == 0) {
            return new long[]{t.offset(), t.offset()};
        }
        long hi = t.offset();
        int[] shape = t.shape();
        int[] strides = t.strides();
        for (int d = 0; d < shape.length; d++) {
            hi += (long) (shape[d] - 1) * strides[d];
        }
        return new long[]{t.offset(), hi + 1};
    }
}
