package dev.llava4j.llava.train;

import dev.llava4j.llava.data.LlavaDataset;
import dev.llava4j.llava.data.LlavaRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers the training samples of one epoch in the sampler's order while worker threads decode and preprocess
 * the next {@code lookahead} records. The output is the same whatever the number of workers: each record is
 * processed on its own and results are handed out in order.
 *
 * <p>A record that fails ({@link BadRecordException}: image missing or undecodable, conversation malformed) is
 * skipped and counted, and the first {@link LlavaDataset#MAX_PROBLEMS_KEPT} messages are kept; the run goes
 * on. Any other exception is a bug and is rethrown, naming the record.
 *
 * <p>Resume: {@link #position()} is the number of order entries consumed so far (delivered or skipped); a new
 * loader started at that position continues exactly where this one stopped, without decoding what came before.
 */
public final class PrefetchingLoader implements AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();

    /** What a worker made of one record. */
    private sealed interface Outcome permits Loaded, Skipped {
    }

    private record Loaded(TrainSample sample) implements Outcome {
    }

    private record Skipped(String reason) implements Outcome {
    }

    private record Job(LlavaRecord record, Future<Outcome> outcome) {
    }

    private final List<LlavaRecord> records;
    private final TrainSampleFactory factory;
    private final int[] order;
    private final int lookahead;
    private final ExecutorService pool;
    private final ArrayDeque<Job> inFlight = new ArrayDeque<>();
    private final List<String> problems = new ArrayList<>();
    private int nextToSubmit;
    private int consumed;
    private int skipped;
    private TrainSample pending;
    private boolean closed;

    /**
     * @param records       the dataset
     * @param order         the epoch's visiting order (indices into {@code records})
     * @param startPosition how many entries of {@code order} to skip (resume), 0 to start at the beginning
     * @param workers       decoding threads (at least 1)
     * @param lookahead     records processed ahead of the consumer (e.g. twice the batch size)
     */
    public PrefetchingLoader(List<LlavaRecord> records, TrainSampleFactory factory, int[] order, int startPosition,
                             int workers, int lookahead) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        if (lookahead < 1) {
            throw new IllegalArgumentException("lookahead must be at least 1, got " + lookahead);
        }
        if (startPosition < 0 || startPosition > order.length) {
            throw new IllegalArgumentException("start position " + startPosition + " is outside 0.." + order.length);
        }
        for (int p = 0; p < order.length; p++) {
            if (order[p] < 0 || order[p] >= records.size()) {
                throw new IllegalArgumentException("order[" + p + "] = " + order[p] + " is not a record index (0.."
                        + (records.size() - 1) + ")");
            }
        }
        this.records = List.copyOf(records);
        this.factory = factory;
        this.order = order.clone();
        this.lookahead = lookahead;
        this.nextToSubmit = startPosition;
        this.consumed = startPosition;
        this.pool = Executors.newFixedThreadPool(workers, daemonThreads());
        fill();
    }

    private static ThreadFactory daemonThreads() {
        int poolNumber = POOLS.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        // Daemon: a loader someone forgot to close must not keep the JVM alive.
        return r -> {
            Thread t = new Thread(r, "llava-loader-" + poolNumber + "-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void fill() {
        while (inFlight.size() < lookahead && nextToSubmit < order.length) {
            LlavaRecord record = records.get(order[nextToSubmit++]);
            inFlight.add(new Job(record, pool.submit(() -> process(record))));
        }
    }

    private Outcome process(LlavaRecord record) {
        try {
            return new Loaded(factory.make(record));
        } catch (BadRecordException e) {
            return new Skipped(e.getMessage());
        }
    }

    /** Whether another sample follows; waits for it and skips bad records on the way. */
    public boolean hasNext() {
        if (closed) {
            throw new IllegalStateException("the loader is closed");
        }
        while (pending == null) {
            Job job = inFlight.poll();
            if (job == null) {
                return false;
            }
            Outcome outcome = await(job);
            fill();
            switch (outcome) {
                case Loaded loaded -> pending = loaded.sample();
                case Skipped bad -> {
                    consumed++;
                    skipped++;
                    if (problems.size() < LlavaDataset.MAX_PROBLEMS_KEPT) {
                        problems.add(bad.reason());
                    }
                }
            }
        }
        return true;
    }

    private static Outcome await(Job job) {
        try {
            return job.outcome().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for record '" + job.record().id() + "'", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("loading record '" + job.record().id() + "' failed: "
                    + e.getCause(), e.getCause());
        }
    }

    public TrainSample next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more samples (" + consumed + " of " + order.length
                    + " order entries consumed)");
        }
        TrainSample s = pending;
        pending = null;
        consumed++;
        return s;
    }

    /** Up to {@code n} next samples; fewer (possibly none) at the end of the epoch. */
    public List<TrainSample> nextBatch(int n) {
        List<TrainSample> batch = new ArrayList<>(n);
        while (batch.size() < n && hasNext()) {
            batch.add(next());
        }
        return batch;
    }

    /** Order entries consumed (delivered or skipped): the start position of a loader that resumes from here. */
    public int position() {
        return consumed;
    }

    /** Length of the epoch's order. */
    public int orderLength() {
        return order.length;
    }

    /** Records skipped as bad so far. */
    public int skipped() {
        return skipped;
    }

    /** The first {@link LlavaDataset#MAX_PROBLEMS_KEPT} reasons records were skipped. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Stops the workers (work in flight is abandoned). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("loader threads did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether all worker threads have ended (after {@link #close()}). */
    public boolean isTerminated() {
        return pool.isTerminated();
    }
}
