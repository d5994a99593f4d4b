package dev.llava4j.backend.cuda;

import org.lwjgl.cuda.CU;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The one CUDA context llava4j uses: the primary context of the chosen GPU (-Dllava4j.cuda.device, default 0, so
 * that cuBLAS, which goes through the runtime API, shares it), one non-blocking stream that every kernel, copy
 * and GEMM is queued on, the caching allocator, the kernel loader, pinned staging buffers for host transfers and
 * a small device record where kernels report bad indices. Created on first use, never at class-load time.
 */
final class CudaContext {
    static final String DEVICE_PROPERTY = "llava4j.cuda.device";
    /** -Dllava4j.cuda.sync=true waits after every launch so a failing kernel is reported where it ran. */
    static final String SYNC_PROPERTY = "llava4j.cuda.sync";

    private static final int STAGING_BYTES = 16 << 20;
    private static final int DEFAULT_DYNAMIC_SHARED_LIMIT = 48 * 1024;
    private static CudaContext instance;

    private final CudaDeviceInfo device;
    private final long context;
    private final long stream;
    private final DeviceAllocator allocator;
    private final KernelLoader kernels;
    private final long errorRecord;
    private final boolean syncEachLaunch = Boolean.getBoolean(SYNC_PROPERTY);
    private final ThreadLocal<Boolean> currentOnThread = ThreadLocal.withInitial(() -> false);
    private PinnedBuffer[] staging;
    private long[] stagingEvents;

    private CudaContext(CudaDeviceInfo device) {
        this.device = device;
        int dev = Cu.outInt("cuDeviceGet", out -> CU.ncuDeviceGet(out, device.ordinal()));
        this.context = Cu.outLong("cuDevicePrimaryCtxRetain", out -> CU.ncuDevicePrimaryCtxRetain(out, dev));
        makeCurrent();
        this.stream = Cu.outLong("cuStreamCreate", out -> CU.ncuStreamCreate(out, CU.CU_STREAM_NON_BLOCKING));
        this.allocator = new DeviceAllocator(new DeviceAllocator.Driver() {
            @Override
            public long malloc(long bytes) {
                makeCurrent();
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
                    int r = CU.ncuMemAlloc(out.address(), bytes);
                    if (r == CU.CUDA_ERROR_OUT_OF_MEMORY) {
                        return 0;
                    }
                    Cu.check(r, "cuMemAlloc(" + bytes + ")");
                    return out.get(ValueLayout.JAVA_LONG, 0);
                }
            }

            @Override
            public void free(long pointer) {
                makeCurrent();
                Cu.check(CU.cuMemFree(pointer), "cuMemFree");
            }
        });
        this.errorRecord = allocator.allocate(32);
        Cu.check(CU.cuMemsetD8Async(errorRecord, (byte) 0, 32, stream), "cuMemsetD8Async");
        this.kernels = new KernelLoader(device, new KernelCache(KernelCache.defaultDirectory()));
    }

    /** The shared context, created on first call; throws {@link CudaUnavailableException} without a GPU. */
    static synchronized CudaContext get() {
        if (instance == null) {
            CudaRuntime.requireAvailable();
            int ordinal = Integer.getInteger(DEVICE_PROPERTY, 0);
            var devices = CudaRuntime.devices();
            if (ordinal < 0 || ordinal >= devices.size()) {
                throw new CudaException("-D" + DEVICE_PROPERTY + "=" + ordinal + " but there are " + devices.size()
                        + " GPU(s): " + devices);
            }
            instance = new CudaContext(devices.get(ordinal));
        }
        instance.makeCurrent();
        return instance;
    }

    /** Binds the context to the calling thread (once per thread). */
    void makeCurrent() {
        if (!currentOnThread.get()) {
            Cu.check(CU.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            currentOnThread.set(true);
        }
    }

    CudaDeviceInfo device() {
        return device;
    }

    long stream() {
        return stream;
    }

    DeviceAllocator allocator() {
        return allocator;
    }

    long errorRecord() {
        return errorRecord;
    }

    // ---------------------------------------------------------------- launches

    void launch(String module, String kernel, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                KernelArgs args) {
        makeCurrent();
        long f = kernels.function(module, kernel);
        if (sharedBytes > DEFAULT_DYNAMIC_SHARED_LIMIT) {
            if (sharedBytes > device.maxSharedMemoryPerBlockOptin()) {
                throw new UnsupportedOperationException(kernel + " needs " + sharedBytes + " bytes of shared memory; "
                        + device.name() + " allows " + device.maxSharedMemoryPerBlockOptin());
            }
            Cu.check(CU.cuFuncSetAttribute(f, CU.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes),
                    "cuFuncSetAttribute(" + kernel + ")");
        }
        Cu.check(CU.ncuLaunchKernel(f, gx, gy, gz, bx, by, bz, sharedBytes, stream, args.pointerArray(), 0),
                "cuLaunchKernel(" + module + "/" + kernel + ", grid " + gx + "x" + gy + "x" + gz + ", block " + bx
                        + "x" + by + "x" + bz + ", shared " + sharedBytes + ")");
        if (syncEachLaunch) {
            Cu.check(CU.cuStreamSynchronize(stream), "kernel " + module + "/" + kernel);
            checkDeviceErrors();
        }
    }

    /** Grid-stride launch over n elements: 256 threads, at most 32 blocks per multiprocessor. */
    void launchElements(String module, String kernel, long n, KernelArgs args) {
        if (n <= 0) {
            return;
        }
        int threads = 256;
        long blocks = Math.min((n + threads - 1) / threads, (long) device.multiprocessors() * 32);
        launch(module, kernel, (int) Math.max(1, blocks), 1, 1, threads, 1, 1, 0, args);
    }

    /** One block per row (the kernels loop when rows exceed the grid). */
    void launchRows(String module, String kernel, long rows, int rowLength, KernelArgs args) {
        if (rows <= 0) {
            return;
        }
        int blocks = (int) Math.min(rows, 1 << 20);
        launch(module, kernel, blocks, 1, 1, threadsFor(rowLength), 1, 1, 0, args);
    }

    /** A multiple of 32 between 32 and 512, enough to cover a row of length n once. */
    static int threadsFor(long n) {
        long t = Math.min(512, Math.max(32, (n + 31) / 32 * 32));
        return (int) t;
    }

    // ---------------------------------------------------------------- synchronisation and errors

    void synchronize() {
        makeCurrent();
        Cu.check(CU.cuStreamSynchronize(stream), "cuStreamSynchronize");
        checkDeviceErrors();
    }

    /** Raises the first bad index a kernel recorded since the last check (then clears the record). */
    private void checkDeviceErrors() {
        long[] rec = new long[3];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(24);
            Cu.check(CU.ncuMemcpyDtoH(host.address(), errorRecord, 24), "cuMemcpyDtoH(error record)");
            for (int i = 0; i < 3; i++) {
                rec[i] = host.getAtIndex(ValueLayout.JAVA_LONG, i);
            }
        }
        if (rec[0] != 0) {
            Cu.check(CU.cuMemsetD8Async(errorRecord, (byte) 0, 32, stream), "cuMemsetD8Async");
            Cu.check(CU.cuStreamSynchronize(stream), "cuStreamSynchronize");
            String op = switch ((int) rec[0]) {
                case 1 -> "index_select";
                case 2 -> "index_add";
                case 3 -> "gather";
                case 4 -> "scatter_add";
                case 5 -> "cross_entropy target";
                default -> "kernel " + rec[0];
            };
            throw new IndexOutOfBoundsException(op + ": index " + rec[1] + " out of range [0, " + rec[2]
                    + ") (detected on the GPU; the affected elements were skipped)");
        }
    }

    // ---------------------------------------------------------------- copies

    /** Host memory to device memory through two pinned staging buffers (the CPU fills one while DMA drains the other). */
    synchronized void copyToDevice(MemorySegment src, long dst, long bytes) {
        makeCurrent();
        ensureStaging();
        long done = 0;
        int k = 0;
        while (done < bytes) {
            long chunk = Math.min(STAGING_BYTES, bytes - done);
            Cu.check(CU.cuEventSynchronize(stagingEvents[k]), "cuEventSynchronize");
            MemorySegment.copy(src, done, staging[k].segment(), 0, chunk);
            Cu.check(CU.ncuMemcpyHtoDAsync(dst + done, staging[k].address(), chunk, stream), "cuMemcpyHtoDAsync");
            Cu.check(CU.cuEventRecord(stagingEvents[k], stream), "cuEventRecord");
            done += chunk;
            k ^= 1;
        }
        Cu.check(CU.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** Device memory to host memory; waits for all queued work first, so the result is final. */
    synchronized void copyToHost(long src, MemorySegment dst, long bytes) {
        makeCurrent();
        ensureStaging();
        long done = 0;
        while (done < bytes) {
            long chunk = Math.min(STAGING_BYTES, bytes - done);
            Cu.check(CU.ncuMemcpyDtoHAsync(staging[0].address(), src + done, chunk, stream), "cuMemcpyDtoHAsync");
            Cu.check(CU.cuStreamSynchronize(stream), "cuStreamSynchronize");
            MemorySegment.copy(staging[0].segment(), 0, dst, done, chunk);
            done += chunk;
        }
        checkDeviceErrors();
    }

    void copyDeviceToDevice(long src, long dst, long bytes) {
        makeCurrent();
        if (bytes > 0) {
            Cu.check(CU.cuMemcpyDtoDAsync(dst, src, bytes, stream), "cuMemcpyDtoDAsync");
        }
    }

    void zero(long dst, long bytes) {
        makeCurrent();
        if (bytes > 0) {
            Cu.check(CU.cuMemsetD8Async(dst, (byte) 0, bytes, stream), "cuMemsetD8Async");
        }
    }

    private void ensureStaging() {
        if (staging == null) {
            staging = new PinnedBuffer[]{new PinnedBuffer(STAGING_BYTES), new PinnedBuffer(STAGING_BYTES)};
            stagingEvents = new long[2];
            for (int i = 0; i < 2; i++) {
                stagingEvents[i] = Cu.outLong("cuEventCreate", out -> CU.ncuEventCreate(out, CU.CU_EVENT_DISABLE_TIMING));
                Cu.check(CU.cuEventRecord(stagingEvents[i], stream), "cuEventRecord");
            }
        }
    }
}
