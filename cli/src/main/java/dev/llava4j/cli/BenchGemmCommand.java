package dev.llava4j.cli;

import dev.llava4j.backend.cpu.Parallel;
import dev.llava4j.backend.cpu.kernel.StreamRead;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./llava4j bench gemm}: C[M,N] = A[M,K] · Wᵀ with W [N,K] in the given dtype (the Linear layout), median of
 * timed runs after warm-up; each timed sample repeats the product until it lasts at least 50 ms. A GEMV (--m 1) also
 * reports {@code read_gb_per_s}, a plain streaming read of the same weight bytes timed after each GEMV sample, and
 * {@code fraction_of_read}, the median over samples of the GEMV's weight rate divided by that read rate. Those use
 * one W, which the last-level cache partly holds when it is not much bigger than the cache; the {@code memory_*}
 * fields repeat the pairing over distinct copies of W that together span at least {@code --memory-mb}, as a decode
 * step streams weights that no cache holds.
 */
@Command(name = "gemm", description = "Time one matrix product on the CPU backend.")
public final class BenchGemmCommand implements Callable<Integer> {
    @Option(names = "--m", required = true)
    int m;
    @Option(names = "--n", required = true)
    int n;
    @Option(names = "--k", required = true)
    int k;
    @Option(names = "--dtype", defaultValue = "f32", description = "Weight dtype: f32, bf16 or f16.")
    String dtype;
    @Option(names = "--threads", description = "Threads (default: all cores).")
    Integer threads;
    @Option(names = "--reps", defaultValue = "7", description = "Timed samples (median reported).")
    int reps;
    @Option(names = "--json", description = "One JSON line.")
    boolean json;
    @Option(names = "--memory-mb", defaultValue = "512", description = "For --m 1: the working set (MB) of the"
            + " memory_* GEMV and read rates, over copies of W (default ${DEFAULT-VALUE}; 0 skips them).")
    int memoryMb;
    @Option(names = "--a-transposed", description = "A is the transposed view of a row-major [k, m] matrix, as in a"
            + " weight gradient xᵀ·dy (default: A row-major [m, k]; B is always Wᵀ of a row-major [n, k] W, as in y = x·Wᵀ).")
    boolean aTransposed;

    @Override
    public Integer call() {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if (memoryMb < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--memory-mb must be >= 0, got " + memoryMb);
        }
        DType wt = ModelOptions.parseDtype(dtype);
        Generator g = new Generator(1);
        Tensor a = aTransposed ? Tensor.randn(g, k, m).mT() : Tensor.randn(g, m, k);
        Tensor w = Tensor.randn(g, n, k).to(wt);
        Tensor out = Tensor.empty(m, n);
        Tensor b = w.mT();
        Backend be = a.backend();
        try (GradMode.Guard ng = GradMode.noGrad()) {
            double flop = 2.0 * m * n * k;
            // warm-up until the JIT has compiled the kernels: 200 ms windows until one is within 3 % of the one before,
            // after at least 2000 calls or 3 s (at most 10 s). A fixed half second left a 64³ product in C1 code in
            // some runs (0.06-0.9 instead of about 110 GFLOP/s): C2 compiles the packing methods only after thousands
            // of calls, and on 2 cores its compiler threads compete with the kernel's threads. A slow plateau can look
            // settled, hence the floor.
            long warmStart = System.nanoTime();
            double previous = Double.MAX_VALUE;
            long dt = 0;
            long warmCalls = 0;
            while (true) {
                long windowStart = System.nanoTime();
                int windowCalls = 0;
                while (windowCalls < 20 || System.nanoTime() - windowStart < 200_000_000L) {
                    long t0 = System.nanoTime();
                    be.matmul(a, b, out);
                    dt = System.nanoTime() - t0;
                    windowCalls++;
                }
                warmCalls += windowCalls;
                double perCall = (double) (System.nanoTime() - windowStart) / windowCalls;
                long elapsed = System.nanoTime() - warmStart;
                boolean settled = Math.abs(perCall - previous) <= 0.03 * previous;
                if ((settled && (warmCalls >= 2000 || elapsed >= 3_000_000_000L)) || elapsed > 10_000_000_000L) {
                    break;
                }
                previous = perCall;
            }
            int calls = (int) Math.max(1, Math.min(10_000, 50e6 / Math.max(dt, 1)));
            double[] ms = new double[reps];
            // a GEMV (memory bound) is compared with a plain streaming read of W's bytes on the same threads,
            // timed right after each GEMV sample so that both see the same state of this shared machine's memory
            MemorySegment weights = m == 1 ? TensorBytes.of(w) : null;
            double[] readMs = m == 1 ? new double[reps] : null;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                for (int c = 0; c < calls; c++) {
                    be.matmul(a, b, out);
                }
                ms[r] = (System.nanoTime() - t0) / 1e6 / calls;
                if (weights != null) {
                    readMs[r] = timeReads(weights, calls, r == 0);
                }
            }
            double[] fractions = readMs == null ? null : fractionsOfReadRate(ms, readMs);
            Arrays.sort(ms);
            double median = ms[reps / 2];
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("op", "gemm");
            line.put("m", m);
            line.put("n", n);
            line.put("k", k);
            line.put("dtype", dtype);
            line.put("threads", Parallel.threads());
            line.put("gflops", Math.round(flop / (median * 1e6) * 100) / 100.0);
            line.put("ms", Math.round(median * 10000) / 10000.0);
            line.put("engine", "llava4j");
            if (aTransposed) {
                line.put("a_transposed", true);
            }
            line.put("calls_per_sample", calls);
            line.put("min_ms", Math.round(ms[0] * 10000) / 10000.0);
            line.put("max_ms", Math.round(ms[reps - 1] * 10000) / 10000.0);
            double weightBytes = (double) n * k * wt.byteSize();
            if (wt != DType.F32 || readMs != null) {
                line.put("weight_gb_per_s", Math.round(weightBytes / (median * 1e6) * 100) / 100.0);
            }
            if (readMs != null) {
                Arrays.sort(readMs);
                Arrays.sort(fractions);
                line.put("read_gb_per_s", Math.round(weightBytes / (readMs[reps / 2] * 1e6) * 100) / 100.0);
                line.put("fraction_of_read", Math.round(fractions[reps / 2] * 1000) / 1000.0);
                if (memoryMb > 0) {
                    putMemoryRates(line, a, w, out, be, (long) memoryMb << 20);
                }
            }
            System.out.println(json ? JsonText.write(line) : line.toString());
        }
        return 0;
    }

    /**
     * GEMV and read rates over copies of W spanning at least {@code workingSet} bytes: each sample runs the GEMV on
     * every copy in turn, then reads every copy, repeating both for at least 50 ms.
     */
    private void putMemoryRates(Map<String, Object> line, Tensor a, Tensor w, Tensor out, Backend be, long workingSet) {
        long weightBytes = w.numel() * w.dtype().byteSize();
        // a W as big as the working set is read once per sweep: no extra copy (a 6 GB W would need 12 GB more)
        int copies = (int) Math.max(1, (workingSet + weightBytes - 1) / weightBytes);
        Tensor[] bs = new Tensor[copies];
        MemorySegment[] segments = new MemorySegment[copies];
        for (int i = 0; i < copies; i++) {
            Tensor copy = w.copy();
            bs[i] = copy.mT();
            segments[i] = TensorBytes.of(copy);
        }
        long t0 = System.nanoTime();
        sweepGemv(a, bs, out, be);
        int sweeps = (int) Math.max(1, Math.min(1000, 50e6 / Math.max(1, System.nanoTime() - t0)));
        double[] gemvMs = new double[reps];
        double[] readMs = new double[reps];
        for (int r = 0; r < reps; r++) {
            long g0 = System.nanoTime();
            for (int s = 0; s < sweeps; s++) {
                sweepGemv(a, bs, out, be);
            }
            long r0 = System.nanoTime();
            for (int s = 0; s < sweeps; s++) {
                for (MemorySegment segment : segments) {
                    StreamRead.read(segment);
                }
            }
            readMs[r] = (System.nanoTime() - r0) / 1e6;
            gemvMs[r] = (r0 - g0) / 1e6;
        }
        double[] fractions = fractionsOfReadRate(gemvMs, readMs);
        Arrays.sort(gemvMs);
        Arrays.sort(readMs);
        Arrays.sort(fractions);
        double bytesPerSample = (double) weightBytes * copies * sweeps;
        line.put("memory_working_set_mb", Math.round(weightBytes * copies / 1048576.0));
        line.put("memory_weight_gb_per_s", Math.round(bytesPerSample / (gemvMs[reps / 2] * 1e6) * 100) / 100.0);
        line.put("memory_read_gb_per_s", Math.round(bytesPerSample / (readMs[reps / 2] * 1e6) * 100) / 100.0);
        line.put("memory_fraction_of_read", Math.round(fractions[reps / 2] * 1000) / 1000.0);
    }

    private static void sweepGemv(Tensor a, Tensor[] bs, Tensor out, Backend be) {
        for (Tensor b : bs) {
            be.matmul(a, b, out);
        }
    }

    /**
     * Milliseconds per {@link StreamRead#read} of the weights, over {@code calls} calls; {@code warmUp} first reads
     * for at least 20 calls and half a second, so that the JIT has compiled the read loop.
     */
    private static double timeReads(MemorySegment weights, int calls, boolean warmUp) {
        long warmStart = System.nanoTime();
        for (int i = 0; warmUp && (i < 20 || System.nanoTime() - warmStart < 500_000_000L); i++) {
            StreamRead.read(weights);
        }
        long t0 = System.nanoTime();
        for (int c = 0; c < calls; c++) {
            StreamRead.read(weights);
        }
        return (System.nanoTime() - t0) / 1e6 / calls;
    }

    /** Read time / GEMV time of each interleaved pair: the GEMV's rate as a fraction of the read rate. */
    private static double[] fractionsOfReadRate(double[] gemvMs, double[] readMs) {
        double[] f = new double[gemvMs.length];
        for (int r = 0; r < f.length; r++) {
            f[r] = readMs[r] / gemvMs[r];
        }
        return f;
    }
}
