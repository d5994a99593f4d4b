package dev.llava4j.backend.cpu;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads behind {@link Parallel}. A worker that runs out of tasks spins for a short while before it
 * parks: kernels arrive in quick succession (a training step issues hundreds), and waking a parked thread costs tens
 * of microseconds each time, during which the caller works alone. OpenMP runtimes wait the same way.
 */
final class HelperPool {
    /** How long an idle worker keeps polling before it parks (property {@code llava4j.spinMicros}). */
    private static final long SPIN_NANOS = Long.getLong("llava4j.spinMicros", 200) * 1_000L;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private volatile boolean shutdown;

    HelperPool(int size, Runnable workerSetup) {
        workers = new Worker[size];
        for (int i = 0; i < size; i++) {
            workers[i] = new Worker(workerSetup);
            workers[i].start();
        }
    }

    /** Queues {@code copies} runs of {@code task} and wakes up to that many parked workers. */
    void execute(Runnable task, int copies) {
        for (int c = 0; c < copies; c++) {
            tasks.add(task);
        }
        int toWake = copies;
        for (Worker w : workers) {
            if (toWake == 0) {
                break;
            }
            if (w.parked) {
                LockSupport.unpark(w);
                toWake--;
            }
        }
    }

    /** Lets the workers end once idle; tasks still queued are dropped (callers never depend on helpers running). */
    void shutdown() {
        shutdown = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private final class Worker extends Thread {
        private final Runnable setup;
        private volatile boolean parked;

        Worker(Runnable setup) {
            super("llava4j-cpu-worker");
            this.setup = setup;
            setDaemon(true);
        }

        @Override
        public void run() {
            setup.run();
            long idleSince = System.nanoTime();
            while (!shutdown) {
                Runnable task = tasks.poll();
                if (task != null) {
                    task.run();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // publish 'parked' before the last look at the queue: a task queued after that look sees the flag
                    parked = true;
                    if (tasks.isEmpty() && !shutdown) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
