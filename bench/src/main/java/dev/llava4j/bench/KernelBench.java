package dev.llava4j.bench;

import dev.llava4j.backend.cpu.Parallel;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.ReduceOp;
import dev.llava4j.tensor.backend.UnaryOp;
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
 * The memory-bound kernels on LLaVA-sized activations (rows x 4096; vocabulary 32064 for cross-entropy). Compare each
 * time with bytes moved / bandwidth: e.g. an elementwise add of 600x4096 F32 moves 3 x 9.8 MB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class KernelBench {
    @Param({"600"})
    public int rows;

    @Param({"2"})
    public int threads;

    private static final int HIDDEN = 4096;
    private static final int VOCAB = 32064;
    /** KV caches the decode benchmark cycles through: 8 x 19.7 MB at 600 positions, more than the L3 holds. */
    private static final int DECODE_LAYERS = 8;
    private Tensor x;
    private Tensor y;
    private Tensor out;
    private Tensor weight;
    private Tensor bias;
    private Tensor mean;
    private Tensor rstd;
    private Tensor logits;
    private Tensor targets;
    private Tensor loss;
    private Tensor lse;
    private Tensor rowSums;
    private Tensor q;
    private Tensor k;
    private Tensor v;
    private Tensor attnOut;
    private Tensor attnLse;
    private Tensor attnGrad;
    private Tensor gq;
    private Tensor gk;
    private Tensor gv;
    private Tensor p;
    private Tensor m;
    private Tensor vv;
    private Tensor g;
    private Tensor xBf16;
    private Tensor decodeQuery;
    private Tensor[] cachedKeys;
    private Tensor[] cachedValues;
    private Tensor decodeOut;
    private Tensor decodeLse;
    private int decodeLayer;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        x = BenchSupport.random(1, DType.F32, rows, HIDDEN);
        y = BenchSupport.random(2, DType.F32, rows, HIDDEN);
        out = Tensor.empty(rows, HIDDEN);
        weight = BenchSupport.random(3, DType.F32, HIDDEN);
        bias = BenchSupport.random(4, DType.F32, HIDDEN);
        mean = Tensor.empty(rows);
        rstd = Tensor.empty(rows);
        logits = BenchSupport.random(5, DType.F32, rows, VOCAB);
        long[] t = new long[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = (i * 7919L) % VOCAB;
        }
        targets = Tensor.ofLongs(t);
        loss = Tensor.empty(rows);
        lse = Tensor.empty(rows);
        rowSums = Tensor.empty(rows, 1);
        q = BenchSupport.random(6, DType.F32, 1, 32, rows, 128);
        k = BenchSupport.random(7, DType.F32, 1, 32, rows, 128);
        v = BenchSupport.random(8, DType.F32, 1, 32, rows, 128);
        attnOut = Tensor.empty(1, 32, rows, 128);
        attnLse = Tensor.empty(1, 32, rows);
        attnGrad = BenchSupport.random(11, DType.F32, 1, 32, rows, 128);
        gq = Tensor.empty(1, 32, rows, 128);
        gk = Tensor.empty(1, 32, rows, 128);
        gv = Tensor.empty(1, 32, rows, 128);
        BenchSupport.CPU.attention(q, k, v, null, true, 1 / Math.sqrt(128), attnOut, attnLse);
        p = BenchSupport.random(9, DType.F32, 4096 * 4096);
        m = Tensor.zeros(4096 * 4096);
        vv = Tensor.zeros(4096 * 4096);
        g = BenchSupport.random(10, DType.F32, 4096 * 4096);
        xBf16 = x.to(DType.BF16);
        decodeQuery = BenchSupport.random(12, DType.F32, 1, 32, 1, 128);
        cachedKeys = new Tensor[DECODE_LAYERS];
        cachedValues = new Tensor[DECODE_LAYERS];
        for (int i = 0; i < DECODE_LAYERS; i++) {
            cachedKeys[i] = BenchSupport.random(13 + 2 * i, DType.F32, 1, 32, rows, 128);
            cachedValues[i] = BenchSupport.random(14 + 2 * i, DType.F32, 1, 32, rows, 128);
        }
        decodeOut = Tensor.empty(1, 32, 1, 128);
        decodeLse = Tensor.empty(1, 32, 1);
    }

    @Benchmark
    public Tensor add() {
        BenchSupport.CPU.binary(BinaryOp.ADD, x, y, out);
        return out;
    }

    @Benchmark
    public Tensor addBroadcastBias() {
        BenchSupport.CPU.binary(BinaryOp.ADD, x, bias.expand(rows, HIDDEN), out);
        return out;
    }

    @Benchmark
    public Tensor silu() {
        BenchSupport.CPU.unary(UnaryOp.SILU, x, out);
        return out;
    }

    @Benchmark
    public Tensor gelu() {
        BenchSupport.CPU.unary(UnaryOp.GELU, x, out);
        return out;
    }

    @Benchmark
    public Tensor sumRows() {
        BenchSupport.CPU.reduce(ReduceOp.SUM, x, new int[]{1}, rowSums);
        return rowSums;
    }

    @Benchmark
    public Tensor softmax() {
        BenchSupport.CPU.softmax(x, out, false);
        return out;
    }

    @Benchmark
    public Tensor layerNorm() {
        BenchSupport.CPU.layerNorm(x, weight, bias, 1e-5, out, mean, rstd);
        return out;
    }

    @Benchmark
    public Tensor rmsNorm() {
        BenchSupport.CPU.rmsNorm(x, weight, 1e-5, out, rstd);
        return out;
    }

    @Benchmark
    public Tensor crossEntropy() {
        BenchSupport.CPU.crossEntropy(logits, targets, -100, loss, lse);
        return loss;
    }

    @Benchmark
    public Tensor causalAttention() {
        BenchSupport.CPU.attention(q, k, v, null, true, 1 / Math.sqrt(128), attnOut, attnLse);
        return attnOut;
    }

    /** The training backward of causalAttention (gk and gv are accumulated into, so they start from zero). */
    @Benchmark
    public Tensor causalAttentionBackward() {
        BenchSupport.CPU.fill(gk, 0);
        BenchSupport.CPU.fill(gv, 0);
        BenchSupport.CPU.attentionBackward(q, k, v, null, true, 1 / Math.sqrt(128), attnOut, attnLse, attnGrad, gq, gk, gv);
        return gq;
    }

    /**
     * One decode step's attention for one layer of a 7B model: a query per head (32 x 128) against {@code rows}
     * cached keys and values (F32), moving 2 x 32 x rows x 128 x 4 bytes (19.7 MB at 600). Each call takes the next
     * of DECODE_LAYERS caches, so the cache is read from memory as in a real step.
     */
    @Benchmark
    public Tensor decodeAttention() {
        decodeLayer = (decodeLayer + 1) % DECODE_LAYERS;
        BenchSupport.CPU.attention(decodeQuery, cachedKeys[decodeLayer], cachedValues[decodeLayer], null, true,
                1 / Math.sqrt(128), decodeOut, decodeLse);
        return decodeOut;
    }

    @Benchmark
    public Tensor adamw16M() {
        BenchSupport.CPU.adamw(p, g, m, vv, 1e-4, 0.9, 0.999, 1e-8, 0.0, 10);
        return p;
    }

    @Benchmark
    public Tensor bf16ToF32Copy() {
        BenchSupport.CPU.copy(xBf16, out);
        return out;
    }
}
