package dev.llava4j.backend.cpu;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.backend.UnaryOp;
import dev.llava4j.tensor.ops.Elementwise;
import dev.llava4j.tensor.ops.Functional;
import dev.llava4j.tensor.ops.Indexing;
import dev.llava4j.tensor.ops.Linalg;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The CPU backend against the reference backend on the same inputs: forward values and every input gradient, for
 * odd sizes (1, 7, 31, 33, 1000), non-contiguous views (transposes, strided slices, broadcasts) and masks.
 * Tolerance: max abs diff <= 2e-5 * max(1, max|reference|) (float32 vector math vs double reference).
 */
class BackendParityTest {
    private static final Backend REF = Backends.byName("reference");
    private static final Backend CPU = Backends.byName("cpu");
    private static final double TOL = 2e-5;

    private static Tensor rnd(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape);
    }

    /** Runs f on fresh copies of the inputs under each backend and compares outputs and gradients. */
    private static void parity(String what, Function<Tensor[], Tensor> f, Supplier<Tensor[]> inputs) {
        Tensor[] refIn = leaves(inputs.get());
        Tensor[] cpuIn = leaves(inputs.get());
        Tensor refOut;
        Tensor cpuOut;
        try (Backends.Handle h = Backends.use(REF)) {
            refOut = f.apply(refIn);
            if (refOut.requiresGrad()) {
                refOut.backward(upstream(refOut));
            }
        }
        try (Backends.Handle h = Backends.use(CPU)) {
            cpuOut = f.apply(cpuIn);
            if (cpuOut.requiresGrad()) {
                cpuOut.backward(upstream(cpuOut));
            }
        }
        TensorAssert.assertCloseScaled(refOut, cpuOut, TOL, what + " forward");
        for (int i = 0; i < refIn.length; i++) {
            if (refIn[i].requiresGrad()) {
                TensorAssert.assertCloseScaled(refIn[i].grad(), cpuIn[i].grad(), TOL, what + " grad of input " + i);
            }
        }
    }

    /** As {@link #parity} for the forward values only, computed without autograd. */
    private static void forwardParity(String what, Function<Tensor[], Tensor> f, Supplier<Tensor[]> inputs) {
        Tensor refOut;
        Tensor cpuOut;
        try (GradMode.Guard g = GradMode.noGrad()) {
            try (Backends.Handle h = Backends.use(REF)) {
                refOut = f.apply(inputs.get());
            }
            try (Backends.Handle h = Backends.use(CPU)) {
                cpuOut = f.apply(inputs.get());
            }
        }
        TensorAssert.assertCloseScaled(refOut, cpuOut, TOL, what + " forward");
    }

    private static Tensor[] leaves(Tensor[] ts) {
        for (Tensor t : ts) {
            if (t.dtype() == DType.F32 && t.isLeaf()) {
                t.requiresGrad(true);
            }
        }
        return ts;
    }

    private static Tensor upstream(Tensor out) {
        return Tensor.randn(new Generator(99), out.shape()).to(out.dtype());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 31, 33, 1000})
    void elementwiseOddSizes(int n) {
        for (var op : List.<Function<Tensor, Tensor>>of(Tensor::exp, Tensor::tanh, Tensor::sigmoid, Tensor::gelu,
                Tensor::geluTanh, Tensor::quickGelu, Tensor::silu, Tensor::relu, Tensor::neg, Tensor::abs, Tensor::square)) {
            parity("unary n=" + n, x -> op.apply(x[0]), () -> new Tensor[]{rnd(n, n)});
        }
        parity("log/sqrt n=" + n, x -> x[0].abs().add(0.1).log().add(x[0].abs().sqrt()), () -> new Tensor[]{rnd(n + 1, n)});
        parity("rsqrt/pow n=" + n, x -> x[0].abs().add(0.2).rsqrt().add(x[0].abs().add(0.1).pow(x[1])),
                () -> new Tensor[]{rnd(n + 2, n), rnd(n + 3, n)});
        for (UnaryOp op : List.of(UnaryOp.SIN, UnaryOp.COS, UnaryOp.RECIPROCAL)) {
            parity(op + " n=" + n, x -> Elementwise.unary(op, x[0].abs().add(0.3)), () -> new Tensor[]{rnd(n + 4, n)});
        }
        parity("binary n=" + n, x -> x[0].mul(x[1]).add(x[0].div(x[1].abs().add(0.5))).sub(x[1].maximum(x[0])),
                () -> new Tensor[]{rnd(1, n), rnd(2, n)});
    }

    @Test
    void broadcastingAndStridedViews() {
        parity("row broadcast", x -> x[0].add(x[1]), () -> new Tensor[]{rnd(1, 7, 33), rnd(2, 33)});
        parity("column broadcast", x -> x[0].mul(x[1]), () -> new Tensor[]{rnd(3, 31, 7), rnd(4, 31, 1)});
        parity("scalar", x -> x[0].mul(3.0).pow(2.0), () -> new Tensor[]{rnd(5, 3, 5)});
        parity("transposed operands", x -> x[0].mT().add(x[1]).silu(), () -> new Tensor[]{rnd(6, 33, 7), rnd(7, 7, 33)});
        parity("strided slice", x -> x[0].slice(1, 1, 31, 3).mul(x[0].slice(1, 0, 30, 3)),
                () -> new Tensor[]{rnd(8, 5, 31)});
        parity("copy to contiguous", x -> x[0].permute(2, 0, 1).contiguous(), () -> new Tensor[]{rnd(9, 3, 7, 5)});
        parity("bf16 round trip", x -> x[0].to(DType.BF16).to(DType.F32), () -> new Tensor[]{rnd(10, 7, 33)});
    }

    @Test
    void reductions() {
        parity("sum last", x -> x[0].sum(-1, false), () -> new Tensor[]{rnd(1, 7, 1000)});
        parity("sum middle", x -> x[0].sum(new int[]{0, 2}, true), () -> new Tensor[]{rnd(2, 3, 31, 7)});
        parity("mean", x -> x[0].mean(), () -> new Tensor[]{rnd(3, 33, 31)});
        parity("max", x -> x[0].max(1, false).values(), () -> new Tensor[]{rnd(4, 7, 33)});
        parity("var", x -> x[0].var(0, true, 1), () -> new Tensor[]{rnd(5, 33, 7)});
        parity("logsumexp", x -> x[0].logsumexp(-1, false), () -> new Tensor[]{rnd(6, 7, 31)});
    }

    @Test
    void matmulAllTransposesAndBatches() {
        parity("A.B", x -> x[0].matmul(x[1]), () -> new Tensor[]{rnd(1, 33, 31), rnd(2, 31, 7)});
        parity("A.Bt", x -> x[0].matmul(x[1].mT()), () -> new Tensor[]{rnd(3, 7, 33), rnd(4, 31, 33)});
        parity("At.B", x -> x[0].mT().matmul(x[1]), () -> new Tensor[]{rnd(5, 31, 1), rnd(6, 31, 33)});
        parity("At.Bt", x -> x[0].mT().matmul(x[1].mT()), () -> new Tensor[]{rnd(7, 7, 33), rnd(8, 1, 7)});
        parity("batched broadcast", x -> x[0].matmul(x[1]), () -> new Tensor[]{rnd(9, 3, 1, 7, 31), rnd(10, 2, 31, 33)});
        parity("linear 3d", x -> Linalg.linear(x[0], x[1], x[2]), () -> new Tensor[]{rnd(11, 2, 33, 31), rnd(12, 7, 31), rnd(13, 7)});
        parity("gemv", x -> x[0].matmul(x[1].mT()), () -> new Tensor[]{rnd(14, 1, 1000), rnd(15, 33, 1000)});
        parity("bf16 weight", x -> x[0].matmul(x[1].to(DType.BF16).mT()), () -> new Tensor[]{rnd(16, 7, 33), rnd(17, 31, 33)});
        parity("f16 weight", x -> x[0].matmul(x[1].to(DType.F16).mT()), () -> new Tensor[]{rnd(18, 5, 33), rnd(19, 7, 33)});
    }

    /**
     * linearShared: one row without autograd runs as one shared GEMV (F32 and BF16 weights, odd sizes); several rows,
     * or autograd recording, take the per-weight path, gradients included.
     */
    @Test
    void linearSharedMatchesReference() {
        Function<Tensor[], Tensor> sharedNoGrad = x -> Indexing.cat(List.of(Linalg.linearShared(x[0], x[1], x[2], x[3])), -1);
        forwardParity("shared gemv f32", sharedNoGrad, () -> new Tensor[]{rnd(20, 1, 1, 1000), rnd(21, 33, 1000), rnd(22, 1, 1000),
                rnd(23, 7, 1000)});
        forwardParity("shared gemv bf16", sharedNoGrad, () -> new Tensor[]{rnd(24, 1, 31), rnd(25, 33, 31).to(DType.BF16),
                rnd(26, 64, 31).to(DType.BF16), rnd(27, 9, 31).to(DType.BF16)});
        forwardParity("shared gemm", sharedNoGrad, () -> new Tensor[]{rnd(28, 2, 5, 33), rnd(29, 7, 33), rnd(30, 31, 33),
                rnd(31, 1, 33)});
        parity("shared with grad", x -> Indexing.cat(List.of(Linalg.linearShared(x[0], x[1], x[2])), -1),
                () -> new Tensor[]{rnd(32, 1, 33), rnd(33, 7, 33), rnd(34, 31, 33)});
    }

    @Test
    void fusedKernels() {
        parity("softmax", x -> x[0].softmax(-1), () -> new Tensor[]{rnd(1, 7, 1000)});
        parity("softmax dim0", x -> x[0].softmax(0), () -> new Tensor[]{rnd(2, 31, 7)});
        parity("log_softmax", x -> x[0].logSoftmax(-1), () -> new Tensor[]{rnd(3, 33, 31)});
        parity("layer_norm", x -> Functional.layerNorm(x[0], x[1], x[2], 1e-5), () -> new Tensor[]{rnd(4, 7, 33), rnd(5, 33), rnd(6, 33)});
        parity("rms_norm", x -> Functional.rmsNorm(x[0], x[1], 1e-5), () -> new Tensor[]{rnd(7, 31, 1000), rnd(8, 1000)});
        Tensor pos = Tensor.ofLongs(new long[]{0, 1, 2, 3, 4, 5, 6, 17, 18, 19, 20, 21, 22, 23}, 2, 7);
        parity("rope", x -> {
            Tensor[] cs = Functional.rotaryCosSin(pos, 16, 10000);
            return Functional.rope(x[0], cs[0], cs[1]);
        }, () -> new Tensor[]{rnd(9, 2, 3, 7, 16)});
        parity("cross_entropy", x -> Functional.crossEntropy(x[0], Tensor.ofLongs(new long[]{3, -100, 999, 0, 5, -100, 7}), -100),
                () -> new Tensor[]{rnd(10, 7, 1000)});
        parity("embedding", x -> Indexing.embedding(x[0], Tensor.ofLongs(new long[]{4, 0, 4, 30, 2}, 5)),
                () -> new Tensor[]{rnd(11, 31, 7)});
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 130, 300}) // 130 and 300: several query blocks and key tiles of the blocked path
    void attentionCausalMaskedGrouped(int t) {
        double scale = 1 / Math.sqrt(16);
        parity("causal t=" + t, x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true, scale),
                () -> new Tensor[]{rnd(1, 2, 4, t, 16), rnd(2, 2, 4, t, 16), rnd(3, 2, 4, t, 16)});
        parity("kv cache + grouped heads t=" + t, x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true, scale),
                () -> new Tensor[]{rnd(4, 1, 4, 1, 16), rnd(5, 1, 2, t, 16), rnd(6, 1, 2, t, 16)});
        // LLaMA's head dimension: several vectors per key row (one in the cases above)
        double scale128 = 1 / Math.sqrt(128);
        parity("kv cache, head dim 128 t=" + t,
                x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true, scale128),
                () -> new Tensor[]{rnd(19, 1, 4, 1, 128), rnd(20, 1, 4, t, 128), rnd(21, 1, 4, t, 128)});
        parity("padding mask t=" + t, x -> {
            Tensor keep = Tensor.arange(0, t, 1, DType.F32).lt((double) Math.max(1, t - 2)).reshape(1, 1, 1, t);
            Tensor mask = Elementwise.where(keep, Tensor.scalar(0), Tensor.scalar(Double.NEGATIVE_INFINITY));
            return Functional.scaledDotProductAttention(x[0], x[1], x[2], mask, false, scale);
        }, () -> new Tensor[]{rnd(7, 2, 3, t, 16), rnd(8, 2, 3, t, 16), rnd(9, 2, 3, t, 16)});
        parity("transposed layout t=" + t, x -> Functional.scaledDotProductAttention(x[0].transpose(1, 2),
                x[1].transpose(1, 2), x[2].transpose(1, 2), null, true, scale),
                () -> new Tensor[]{rnd(10, 1, t, 2, 16), rnd(11, 1, t, 2, 16), rnd(12, 1, t, 2, 16)});
    }

    @ParameterizedTest
    @ValueSource(ints = {20, 70, 129})
    void attentionFewerQueriesThanKeysAndFullyMaskedRows(int tq) {
        double scale = 1 / Math.sqrt(16);
        int tk = tq + 197; // a prefill continuing after a cache: the causal diagonal is offset by tk - tq
        parity("causal, cached prefix, grouped heads tq=" + tq,
                x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true, scale),
                () -> new Tensor[]{rnd(13, 2, 4, tq, 16), rnd(14, 2, 2, tk, 16), rnd(15, 2, 2, tk, 16)});
        parity("per-row mask with fully masked rows tq=" + tq, x -> {
            // query row i sees keys j <= i + 3, except every fifth row, which sees no key at all
            float[] additive = new float[tq * tq];
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tq; j++) {
                    additive[i * tq + j] = i % 5 != 0 && j <= i + 3 ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
            Tensor mask = Tensor.of(additive, 1, 1, tq, tq);
            return Functional.scaledDotProductAttention(x[0], x[1], x[2], mask, false, scale);
        }, () -> new Tensor[]{rnd(16, 1, 2, tq, 16), rnd(17, 1, 2, tq, 16), rnd(18, 1, 2, tq, 16)});
    }

    @ParameterizedTest
    @ValueSource(ints = {20, 144}) // head dims with a scalar tail, and with eight vectors plus one (512-bit lanes)
    void attentionFewQueriesOddHeadDimsAndFullyMaskedRow(int dim) {
        double scale = 1 / Math.sqrt(dim);
        int tq = 3;
        int tk = 41;
        parity("few queries, cached prefix, head dim " + dim,
                x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true, scale),
                () -> new Tensor[]{rnd(22, 1, 2, tq, dim), rnd(23, 1, 2, tk, dim), rnd(24, 1, 2, tk, dim)});
        parity("few queries, mask hiding every key of the middle row, head dim " + dim, x -> {
            float[] additive = new float[tq * tk];
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    additive[i * tk + j] = i != 1 && j % 3 != 2 ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
            Tensor mask = Tensor.of(additive, 1, 1, tq, tk);
            return Functional.scaledDotProductAttention(x[0], x[1], x[2], mask, false, scale);
        }, () -> new Tensor[]{rnd(25, 1, 2, tq, dim), rnd(26, 1, 2, tk, dim), rnd(27, 1, 2, tk, dim)});
    }

    @Test
    void adamwMatchesReference() {
        Tensor p1 = rnd(1, 1000);
        Tensor p2 = p1.copy();
        Tensor g = rnd(2, 1000);
        Tensor m1 = Tensor.zeros(1000);
        Tensor v1 = Tensor.zeros(1000);
        Tensor m2 = Tensor.zeros(1000);
        Tensor v2 = Tensor.zeros(1000);
        try (GradMode.Guard ng = GradMode.noGrad()) {
            for (int step = 1; step <= 5; step++) {
                REF.adamw(p1, g, m1, v1, 1e-3, 0.9, 0.999, 1e-8, 0.01, step);
                CPU.adamw(p2, g, m2, v2, 1e-3, 0.9, 0.999, 1e-8, 0.01, step);
            }
        }
        TensorAssert.assertCloseScaled(p1, p2, 1e-6, "adamw params after 5 steps (relative)");
        TensorAssert.assertClose(v1, v2, 1e-7, "adamw second moments");
    }
}
