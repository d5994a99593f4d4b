package dev.llava4j.backend.cuda;

/**
 * Counters of the caching device allocator.
 *
 * @param allocatedBytes   bytes in blocks handed out and not yet freed (rounded block sizes)
 * @param cachedBytes      bytes in freed blocks kept for reuse
 * @param reservedBytes    allocatedBytes + cachedBytes: what the allocator holds from the driver
 * @param peakAllocatedBytes highest allocatedBytes seen
 * @param driverAllocations cuMemAlloc calls that succeeded
 * @param cacheHits        allocations served from the cache
 * @param driverFrees      cuMemFree calls (cache flushes)
 */
public record AllocatorStats(long allocatedBytes, long cachedBytes, long reservedBytes, long peakAllocatedBytes,
                             long driverAllocations, long cacheHits, long driverFrees) {
}
