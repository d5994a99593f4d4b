package dev.llava4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Keeps the memory of released host storages for reuse, by power-of-two size class (64 B to 8 MB).
 *
 * <p>Why: every block lives in its own shared {@link Arena}, and closing a shared arena makes the JVM handshake
 * with every thread (tens of microseconds). A training step of a small model frees thousands of tensors, so
 * closing an arena per tensor cost more than the arithmetic. Pooled blocks are closed only when the pool is full.
 * A reused block is zeroed over the requested length, so storages still start zero-filled. Use after release is
 * still caught: the storage (not the block) carries the released flag that {@link Tensor#segment()} checks.
 */
final class HostMemoryPool {
    /** Memory of one storage: its arena and the whole block (the storage sees a slice of it). */
    record Block(Arena arena, MemorySegment memory, int sizeClass) {
    }

    private static final int MIN_CLASS = 6;
    private static final int MAX_CLASS = 23;
    private static final long ALIGNMENT = 64;
    /**
     * Bytes kept for reuse at most; beyond this, released blocks are closed. 1 GB: with 128 MB, a demo stage-2
     * step at batch 32 released more than the pool could keep and ran 3-4x slower (2,000 instead of 7,000
     * tokens/s), every step closing and reopening arenas. The pool only ever holds what was in use at once.
     */
    private static final long CACHE_LIMIT = Long.getLong("llava4j.hostPoolBytes", 1L << 30);

    @SuppressWarnings("unchecked")
    private static final ArrayDeque<Block>[] FREE = new ArrayDeque[MAX_CLASS + 1];
    private static long cachedBytes;

    static {
        for (int c = MIN_CLASS; c <= MAX_CLASS; c++) {
            FREE[c] = new ArrayDeque<>();
        }
    }

    private HostMemoryPool() {
    }

    /** A zero-filled block of at least {@code bytes} bytes (bytes &gt; 0), 64-byte aligned. */
    static Block take(long bytes) {
        int sizeClass = sizeClass(bytes);
        if (sizeClass > MAX_CLASS) {
            return fresh(bytes, -1);
        }
        Block reused;
        synchronized (FREE) {
            reused = FREE[sizeClass].pollLast();
            if (reused != null) {
                cachedBytes -= reused.memory().byteSize();
            }
        }
        if (reused != null) {
            reused.memory().asSlice(0, bytes).fill((byte) 0);
            return reused;
        }
        return fresh(1L << sizeClass, sizeClass);
    }

    /** A new zero-filled block: in huge pages from 2 MB on ({@link HugePageBlocks}), else from the arena. */
    private static Block fresh(long bytes, int sizeClass) {
        Arena arena = Arena.ofShared();
        MemorySegment huge = bytes >= HugePageBlocks.HUGE_PAGE ? HugePageBlocks.allocate(bytes, arena) : null;
        return new Block(arena, huge != null ? huge : arena.allocate(bytes, ALIGNMENT), sizeClass);
    }

    /** Returns a block for reuse, or frees it when it is too large or the pool is full. */
    static void give(Block block) {
        if (block.sizeClass() >= 0) {
            synchronized (FREE) {
                if (cachedBytes + block.memory().byteSize() <= CACHE_LIMIT) {
                    FREE[block.sizeClass()].addLast(block);
                    cachedBytes += block.memory().byteSize();
                    return;
                }
            }
        }
        block.arena().close();
    }

    /** Bytes currently held for reuse. */
    static long cachedBytes() {
        synchronized (FREE) {
            return cachedBytes;
        }
    }

    private static int sizeClass(long bytes) {
        long size = Math.max(bytes, 1L << MIN_CLASS);
        return 64 - Long.numberOfLeadingZeros(size - 1);
    }
}
