package dev.llava4j.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one thread pool shared by every kernel of the CPU backend.
 *
 * <p>The calling thread always takes part in the work, and indices are claimed dynamically from a
 * shared counter, so a call finishes even when every worker is busy elsewhere (no deadlock).
 * Calls made from inside a worker run inline, so kernels may nest freely. The default thread count
 * is the number of available processors, overridable with the system property
 * {@code llava4j.threads} or {@link #setThreads(int)}.
 */
public final class Parallel {

    /** Body of {@link #parallelRange}: processes the half-open index range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private static volatile int threads = initialThreads();
    private static volatile HelperPool pool;

    private Parallel() {
    }

    /** Number of threads (workers plus the caller) a parallel call may use. */
    public static int threads() {
        return threads;
    }

    /** Changes the thread count; the old pool is shut down (its running tasks still finish). */
    public static synchronized void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("Parallel.setThreads: thread count must be >= 1, got " + count);
        }
        if (count == threads) {
            return;
        }
        threads = count;
        HelperPool old = pool;
        pool = null;
        if (old != null) {
            old.shutdown();
        }
    }

    /** Runs {@code body.accept(i)} for every i in [0, n), spread over up to {@link #threads()} threads. */
    public static void parallelFor(int n, IntConsumer body) {
        if (n < 0) {
            throw new IllegalArgumentException("Parallel.parallelFor: n must be >= 0, got " + n);
        }
        int helpers = Math.min(threads, n) - 1;
        if (helpers <= 0 || IN_WORKER.get()) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(n, body, Thread.currentThread());
        pool().execute(job::work, helpers);
        // While the caller works on this job, kernels it calls run inline like on a worker: the workers are
        // busy with this same job, so fanning out again would only queue tasks behind it.
        IN_WORKER.set(Boolean.TRUE);
        try {
            job.work();
        } finally {
            IN_WORKER.set(Boolean.FALSE);
        }
        job.awaitAll();
        job.rethrow();
    }

    /**
     * Splits [0, n) into at most {@link #threads()} contiguous ranges of at least {@code grain}
     * indices (except possibly a single short one) and runs {@code body} on each.
     */
    public static void parallelRange(int n, int grain, RangeBody body) {
        if (n < 0 || grain < 1) {
            throw new IllegalArgumentException(
                    "Parallel.parallelRange: need n >= 0 and grain >= 1, got n=" + n + ", grain=" + grain);
        }
        if (n == 0) {
            return;
        }
        int chunks = (int) Math.max(1, Math.min(threads, n / (long) grain));
        if (chunks == 1 || IN_WORKER.get()) {
            body.run(0, n);
            return;
        }
        parallelFor(chunks, c -> body.run(rangeStart(n, chunks, c), rangeStart(n, chunks, c + 1)));
    }

    /**
     * Runs {@code body} on runs of [0, n) that the threads claim as they go, each an eighth of the indices left per
     * thread, at least {@code minRun} and a multiple of {@code multiple} (except the run that ends at n), so the
     * threads finish within one small run of each other even when one of them was held up (guided scheduling). Up to
     * {@link #threads()} threads with at least {@code grain} indices each take part.
     */
    public static void guidedRange(int n, int grain, int minRun, int multiple, RangeBody body) {
        if (n < 0 || grain < 1 || minRun < 1 || multiple < 1) {
            throw new IllegalArgumentException("Parallel.guidedRange: need n >= 0 and grain, minRun, multiple >= 1, got"
                    + " n=" + n + ", grain=" + grain + ", minRun=" + minRun + ", multiple=" + multiple);
        }
        int workers = (int) Math.min(threads, Math.max(1, n / (long) grain));
        if (n == 0 || workers == 1 || IN_WORKER.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        parallelFor(workers, t -> {
            int from;
            while ((from = next.get()) < n) {
                int size = Math.max(minRun, (n - from) / (8 * workers) / multiple * multiple);
                int to = n - from <= size ? n : from + size;
                if (next.compareAndSet(from, to)) {
                    body.run(from, to);
                }
            }
        });
    }

    /** Start of chunk c when [0, n) is cut into {@code chunks} near-equal contiguous pieces. */
    private static int rangeStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    private static HelperPool pool() {
        HelperPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new HelperPool(Math.max(1, threads - 1), () -> IN_WORKER.set(Boolean.TRUE));
                    pool = p;
                }
            }
        }
        return p;
    }

    private static int initialThreads() {
        String prop = System.getProperty("llava4j.threads");
        if (prop == null || prop.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(prop.trim());
            if (n < 1) {
                throw new NumberFormatException("must be >= 1");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "system property llava4j.threads must be a positive integer, got '" + prop + "'", e);
        }
    }

    /** One parallelFor call: a claim counter, a completion counter and the first failure. */
    private static final class Job {
        private final int n;
        private final IntConsumer body;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int n, IntConsumer body, Thread caller) {
            this.n = n;
            this.body = body;
            this.caller = caller;
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < n) {
                try {
                    if (failure.get() == null) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    Throwable first = failure.compareAndExchange(null, t);
                    if (first != null && first != t) {
                        first.addSuppressed(t);
                    }
                } finally {
                    if (done.incrementAndGet() == n && Thread.currentThread() != caller) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        void awaitAll() {
            // Helpers usually finish within microseconds of the caller: spin briefly, then park.
            for (int spin = 0; done.get() < n; spin++) {
                if (spin < 20_000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 100_000L);
                }
            }
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new RuntimeException(t);
            }
        }
    }
}
