package dev.llava4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ParallelTest {

    private static final int DEFAULT_THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 2, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                Parallel.parallelFor(n, hits::incrementAndGet);
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "threads=" + threads + " n=" + n + " index " + i);
                }
            }
        }
    }

    @Test
    void rangesAreContiguousDisjointAndCoverAll() {
        Parallel.setThreads(2);
        for (int n : new int[] {1, 63, 64, 129, 4096, 4097}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            ConcurrentHashMap<Integer, Integer> ranges = new ConcurrentHashMap<>();
            Parallel.parallelRange(n, 64, (from, to) -> {
                ranges.put(from, to);
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, hits.get(i), "n=" + n + " index " + i);
            }
            assertEquals(n < 128 ? 1 : 2, ranges.size(), "number of ranges for n=" + n);
        }
    }

    @Test
    void guidedRunsCoverEveryIndexOnceInWholeMultiples() {
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 7, 64, 1031, 100_000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                ConcurrentHashMap<Integer, Integer> runs = new ConcurrentHashMap<>();
                Parallel.guidedRange(n, 4, 16, 8, (from, to) -> {
                    runs.put(from, to);
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                String what = "threads=" + threads + " n=" + n;
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), what + " index " + i);
                }
                runs.forEach((from, to) -> assertTrue(to == n || (to - from) % 8 == 0 && to - from >= 16,
                        what + ": run [" + from + ", " + to + ") is not the last, yet not 16+ rows in multiples of 8"));
                if (threads > 1 && n == 100_000) {
                    assertTrue(runs.size() > 2 * threads, what + ": " + runs.size() + " runs, expected shrinking runs");
                }
            }
        }
    }

    @Test
    void workerExceptionReachesCaller() {
        Parallel.setThreads(2);
        IllegalStateException failure = new IllegalStateException("boom at 37");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.parallelFor(100, i -> {
            if (i == 37) {
                throw failure;
            }
        }));
        assertSame(failure, thrown);
        // The pool still works afterwards.
        AtomicLong sum = new AtomicLong();
        Parallel.parallelFor(100, sum::addAndGet);
        assertEquals(4950, sum.get());
    }

    @Test
    @Timeout(20)
    void nestedCallsRunInlineWithoutDeadlock() {
        Parallel.setThreads(2);
        AtomicLong total = new AtomicLong();
        Parallel.parallelFor(8, i -> Parallel.parallelFor(100, j -> total.incrementAndGet()));
        assertEquals(800, total.get());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Parallel.parallelFor(-1, i -> { }));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Parallel.parallelRange(10, 0, (a, b) -> { }));
        assertTrue(e.getMessage().contains("grain"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Parallel.guidedRange(10, 1, 0, 8, (a, b) -> { }));
        assertTrue(e.getMessage().contains("minRun=0"), e.getMessage());
    }
}
