package dev.llava4j.bench;

import dev.llava4j.backend.cpu.Parallel;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * C[M,N] = A[M,K] · Wᵀ with W [N,K] (the Linear layout) in F32, BF16 or F16. GFLOP/s = 2·M·N·K / time.
 * The shape parameter is "MxKxN".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBench {
    @Param({"512x512x512", "1024x1024x1024", "2048x2048x2048", "576x1024x4096", "600x4096x11008", "600x11008x4096", "1x4096x4096"})
    public String shape;

    @Param({"F32", "BF16"})
    public String dtype;

    @Param({"2"})
    public int threads;

    private Tensor a;
    private Tensor bT;
    private Tensor out;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]);
        int k = Integer.parseInt(p[1]);
        int n = Integer.parseInt(p[2]);
        a = BenchSupport.random(1, DType.F32, m, k);
        bT = BenchSupport.random(2, DType.valueOf(dtype), n, k).mT();
        out = Tensor.empty(m, n);
    }

    @Benchmark
    public Tensor gemm() {
        BenchSupport.CPU.matmul(a, bT, out);
        return out;
    }
}
