package dev.llava4j.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caching allocator's bookkeeping against a fake driver with a fixed capacity. */
class DeviceAllocatorTest {

    /** Hands out increasing addresses until capacity is used; records frees. */
    private static final class FakeDriver implements DeviceAllocator.Driver {
        final long capacity;
        long used;
        long next = 0x1000;
        final Set<Long> live = new HashSet<>();
        final List<Long> freed = new ArrayList<>();
        final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();

        FakeDriver(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long malloc(long bytes) {
            if (used + bytes > capacity) {
                return 0;
            }
            used += bytes;
            long p = next;
            next += bytes;
            live.add(p);
            sizes.put(p, bytes);
            return p;
        }

        @Override
        public void free(long pointer) {
            assertTrue(live.remove(pointer), "double free of " + pointer);
            used -= sizes.remove(pointer);
            freed.add(pointer);
        }
    }

    @Test
    void roundingGranules() {
        assertEquals(512, DeviceAllocator.roundUp(1));
        assertEquals(512, DeviceAllocator.roundUp(512));
        assertEquals(1024, DeviceAllocator.roundUp(513));
        assertEquals(1 << 20, DeviceAllocator.roundUp(1 << 20));
        assertEquals(2L << 20, DeviceAllocator.roundUp((1 << 20) + 1));
        assertEquals(4L << 20, DeviceAllocator.roundUp((2L << 20) + 1));
    }

    @Test
    void freedBlocksAreReusedForTheSameRoundedSize() {
        FakeDriver driver = new FakeDriver(1 << 30);
        DeviceAllocator a = new DeviceAllocator(driver);
        long p1 = a.allocate(1000);
        a.free(p1, 1000);
        long p2 = a.allocate(900);  // same 1024-byte bin
        assertEquals(p1, p2);
        long p3 = a.allocate(5000);
        assertNotEquals(p1, p3);
        AllocatorStats s = a.stats();
        assertEquals(2, s.driverAllocations());
        assertEquals(1, s.cacheHits());
        assertEquals(1024 + 5120, s.allocatedBytes());
        assertEquals(0, s.cachedBytes());
        assertEquals(s.allocatedBytes(), s.peakAllocatedBytes());
    }

    @Test
    void memoryStaysFlatOverRepeatedSteps() {
        FakeDriver driver = new FakeDriver(1 << 30);
        DeviceAllocator a = new DeviceAllocator(driver);
        for (int step = 0; step < 100; step++) {
            long x = a.allocate(3 << 20);
            long y = a.allocate(777);
            a.free(x, 3 << 20);
            a.free(y, 777);
        }
        AllocatorStats s = a.stats();
        assertEquals(2, s.driverAllocations(), "only the first step reaches the driver");
        assertEquals(198, s.cacheHits());
        assertEquals(0, s.allocatedBytes());
        assertEquals((4L << 20) + 1024, s.cachedBytes());
    }

    @Test
    void outOfMemoryFlushesTheCacheAndRetries() {
        FakeDriver driver = new FakeDriver(8 << 20);
        DeviceAllocator a = new DeviceAllocator(driver);
        long big = a.allocate(6 << 20);
        a.free(big, 6 << 20);  // cached, still held from the driver
        long other = a.allocate(4 << 20);  // does not fit beside the cached block: flush, retry
        assertTrue(other != 0);
        assertEquals(List.of(big), driver.freed);
        assertEquals(0, a.stats().cachedBytes());
        assertEquals(1, a.stats().driverFrees());
        CudaException e = assertThrows(CudaException.class, () -> a.allocate(16 << 20));
        assertTrue(e.getMessage().contains("out of memory") && e.getMessage().contains(String.valueOf(16 << 20)),
                e.getMessage());
    }

    @Test
    void emptyCacheReturnsEverythingCached() {
        FakeDriver driver = new FakeDriver(1 << 30);
        DeviceAllocator a = new DeviceAllocator(driver);
        long p = a.allocate(100);
        long q = a.allocate(100);
        a.free(p, 100);
        a.free(q, 100);
        a.emptyCache();
        assertEquals(0, driver.used);
        assertEquals(0, a.stats().reservedBytes());
    }
}
