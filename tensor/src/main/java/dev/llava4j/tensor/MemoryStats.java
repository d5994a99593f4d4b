package dev.llava4j.tensor;

import java.util.concurrent.atomic.AtomicLong;

/** Counts off-heap bytes owned by live storages, so tests and tools can check that memory stays flat. */
public final class MemoryStats {
    private static final AtomicLong LIVE_BYTES = new AtomicLong();
    private static final AtomicLong LIVE_COUNT = new AtomicLong();
    private static final AtomicLong PEAK_BYTES = new AtomicLong();

    private MemoryStats() {
    }

    static void allocated(long bytes) {
        long now = LIVE_BYTES.addAndGet(bytes);
        LIVE_COUNT.incrementAndGet();
        PEAK_BYTES.accumulateAndGet(now, Math::max);
    }

    static void released(long bytes) {
        LIVE_BYTES.addAndGet(-bytes);
        LIVE_COUNT.decrementAndGet();
    }

    /** Bytes of off-heap memory currently owned by tensors (memory-mapped files not included). */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    public static long liveStorages() {
        return LIVE_COUNT.get();
    }

    public static long peakBytes() {
        return PEAK_BYTES.get();
    }

    /** Starts a new peak measurement from the current live bytes. */
    public static void resetPeak() {
        PEAK_BYTES.set(LIVE_BYTES.get());
    }
}
