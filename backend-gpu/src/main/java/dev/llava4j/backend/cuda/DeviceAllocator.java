package dev.llava4j.backend.cuda;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching allocator for device memory: freed blocks are kept in exact-size bins and handed out again, so a
 * training step that allocates the same shapes every iteration stops calling cuMemAlloc/cuMemFree (both
 * synchronise the device). Sizes are rounded (512 B granules up to 1 MiB, 2 MiB granules above) so that nearby
 * sizes share bins. When the driver runs out of memory the cache is returned to the driver and the allocation is
 * retried once.
 *
 * <p>Reuse is safe without events because every kernel and copy runs on the context's one stream: work that
 * used a freed block is ordered before work that uses it again. Freeing does no driver call and may run on any
 * thread (garbage-collector cleaners do).
 */
final class DeviceAllocator {
    static final long SMALL_GRANULE = 512;
    static final long LARGE_GRANULE = 2L << 20;
    static final long SMALL_LIMIT = 1L << 20;

    /** What the allocator needs from the driver; a fake in unit tests. */
    interface Driver {
        /** Returns the device pointer, or 0 when the device is out of memory. */
        long malloc(long bytes);

        void free(long pointer);
    }

    private final Driver driver;
    private final TreeMap<Long, ArrayDeque<Long>> bins = new TreeMap<>();
    private long allocated;
    private long cached;
    private long peak;
    private long driverAllocations;
    private long cacheHits;
    private long driverFrees;

    DeviceAllocator(Driver driver) {
        this.driver = driver;
    }

    static long roundUp(long bytes) {
        long granule = bytes <= SMALL_LIMIT ? SMALL_GRANULE : LARGE_GRANULE;
        return Math.max(granule, (bytes + granule - 1) / granule * granule);
    }

    /** A block of at least {@code bytes}; free it with {@link #free(long, long)} passing the same size. */
    synchronized long allocate(long bytes) {
        long size = roundUp(bytes);
        ArrayDeque<Long> bin = bins.get(size);
        long p;
        if (bin != null && !bin.isEmpty()) {
            p = bin.pop();
            cached -= size;
            cacheHits++;
        } else {
            p = driver.malloc(size);
            if (p == 0) {
                emptyCache();
                p = driver.malloc(size);
            }
            if (p == 0) {
                throw new CudaException("CUDA out of memory allocating " + bytes + " bytes (" + size
                        + " rounded); allocator " + statsLocked() + ". Free tensors (TensorScope, release()) or use"
                        + " a smaller batch");
            }
            driverAllocations++;
        }
        allocated += size;
        peak = Math.max(peak, allocated);
        return p;
    }

    synchronized void free(long pointer, long bytes) {
        long size = roundUp(bytes);
        bins.computeIfAbsent(size, s -> new ArrayDeque<>()).push(pointer);
        allocated -= size;
        cached += size;
    }

    /** Returns every cached block to the driver. */
    synchronized void emptyCache() {
        for (Map.Entry<Long, ArrayDeque<Long>> e : bins.entrySet()) {
            for (long p : e.getValue()) {
                driver.free(p);
                driverFrees++;
            }
            cached -= e.getKey() * e.getValue().size();
        }
        bins.clear();
    }

    synchronized AllocatorStats stats() {
        return statsLocked();
    }

    private AllocatorStats statsLocked() {
        return new AllocatorStats(allocated, cached, allocated + cached, peak, driverAllocations, cacheHits, driverFrees);
    }

    synchronized void resetPeak() {
        peak = allocated;
    }
}
