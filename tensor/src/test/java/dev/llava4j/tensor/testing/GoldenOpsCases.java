package dev.llava4j.tensor.testing;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.ops.Functional;
import dev.llava4j.tensor.ops.Indexing;
import dev.llava4j.tensor.ops.Linalg;
import dev.llava4j.tensor.safetensors.TensorFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.function.Function;

/**
 * Every case of the PyTorch op fixtures (fixtures/ops), forward and backward, on the backend a subclass names.
 * Tolerances (from the fixture README): outputs max abs diff <= 1e-5 * max(1, max|expected|); gradients
 * <= 1e-4 * max|expected gradient|; AdamW parameters 1e-6 absolute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GoldenOpsCases {
    private Map<String, Tensor> t;
    private Backends.Handle handle;

    protected abstract Backend backend();

    @BeforeAll
    void load() throws Exception {
        t = TensorFiles.readAll(Fixtures.path("ops/ops.safetensors"));
        handle = Backends.use(backend());
    }

    @AfterAll
    void restore() {
        handle.close();
    }

    private Tensor in(String name) {
        Tensor x = t.get(name);
        if (x == null) {
            throw new IllegalStateException("fixture has no tensor " + name);
        }
        return x.copy().requiresGrad(x.dtype().isFloating());
    }

    private Tensor expected(String name) {
        return t.get(name);
    }

    /** Runs forward, checks out, backpropagates grad_out and checks each named input's gradient. */
    private void check(String caseName, Function<Tensor[], Tensor> f, String... inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = in(caseName + "." + inputs[i]);
        }
        Tensor out = f.apply(xs);
        TensorAssert.assertCloseScaled(expected(caseName + ".out"), out, 1e-5, caseName + " forward");
        out.backward(expected(caseName + ".grad_out"));
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = t.get(caseName + ".grad_" + inputs[i]);
            if (g != null) {
                TensorAssert.assertGradClose(g, xs[i].grad(), 1e-4, caseName + " grad_" + inputs[i]);
            }
        }
    }

    @Test
    void matmulNonsquare() {
        check("matmul.nonsquare", x -> x[0].matmul(x[1]), "a", "b");
    }

    @Test
    void matmulBatched() {
        check("matmul.batched", x -> x[0].matmul(x[1]), "a", "b");
    }

    @Test
    void matmulBroadcast() {
        check("matmul.broadcast", x -> x[0].matmul(x[1]), "a", "b");
    }

    @Test
    void matmulTransA() {
        check("matmul.transA", x -> x[0].mT().matmul(x[1]), "a", "b");
    }

    @Test
    void matmulTransB() {
        check("matmul.transB", x -> x[0].matmul(x[1].mT()), "a", "b");
    }

    @Test
    void linear() {
        check("linear", x -> Linalg.linear(x[0], x[1], x[2]), "x", "weight", "bias");
    }

    @Test
    void softmaxMasked() {
        check("softmax.masked", x -> x[0].softmax(-1), "x");
    }

    @Test
    void softmaxPlain() {
        check("softmax.plain", x -> x[0].softmax(-1), "x");
    }

    @Test
    void logSoftmax() {
        check("log_softmax", x -> x[0].logSoftmax(-1), "x");
    }

    @Test
    void layerNorm() {
        check("layer_norm", x -> Functional.layerNorm(x[0], x[1], x[2], 1e-5), "x", "weight", "bias");
    }

    @Test
    void rmsNorm() {
        check("rms_norm", x -> Functional.rmsNorm(x[0], x[1], 1e-5), "x", "weight");
    }

    @Test
    void gelu() {
        check("gelu", x -> x[0].gelu(), "x");
    }

    @Test
    void quickGelu() {
        check("quick_gelu", x -> x[0].quickGelu(), "x");
    }

    @Test
    void silu() {
        check("silu", x -> x[0].silu(), "x");
    }

    @Test
    void swigluMlp() {
        check("swiglu_mlp", x -> {
            Tensor gate = Linalg.linear(x[0], x[1], null).silu();
            Tensor up = Linalg.linear(x[0], x[2], null);
            return Linalg.linear(gate.mul(up), x[3], null);
        }, "x", "gate", "up", "down");
    }

    @Test
    void rope() {
        Tensor[] cs = Functional.rotaryCosSin(t.get("rope.position_ids"), 8, 10000.0);
        TensorAssert.assertCloseScaled(expected("rope.cos"), cs[0], 1e-6, "rope cos table");
        TensorAssert.assertCloseScaled(expected("rope.sin"), cs[1], 1e-6, "rope sin table");
        Tensor q = in("rope.q");
        Tensor k = in("rope.k");
        Tensor qo = Functional.rope(q, cs[0], cs[1]);
        Tensor ko = Functional.rope(k, cs[0], cs[1]);
        TensorAssert.assertCloseScaled(expected("rope.q_out"), qo, 1e-5, "rope q");
        TensorAssert.assertCloseScaled(expected("rope.k_out"), ko, 1e-5, "rope k");
        qo.mul(expected("rope.grad_out_q_out")).sum().add(ko.mul(expected("rope.grad_out_k_out")).sum()).backward();
        TensorAssert.assertGradClose(expected("rope.grad_q"), q.grad(), 1e-4, "rope grad_q");
        TensorAssert.assertGradClose(expected("rope.grad_k"), k.grad(), 1e-4, "rope grad_k");
    }

    @Test
    void sdpaCausal() {
        check("sdpa.causal", x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true,
                1 / Math.sqrt(x[0].size(-1))), "q", "k", "v");
    }

    @Test
    void sdpaCausalOffset() {
        check("sdpa.causal_offset", x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true,
                1 / Math.sqrt(x[0].size(-1))), "q", "k", "v");
    }

    @Test
    void crossEntropy() {
        Tensor logits = in("cross_entropy.logits");
        Tensor loss = Functional.crossEntropy(logits, t.get("cross_entropy.target"), -100);
        TensorAssert.assertCloseScaled(expected("cross_entropy.out"), loss, 1e-5, "cross_entropy forward");
        loss.backward(expected("cross_entropy.grad_out"));
        TensorAssert.assertGradClose(expected("cross_entropy.grad_logits"), logits.grad(), 1e-4, "cross_entropy grad");
    }

    @Test
    void embedding() {
        Tensor w = in("embedding.weight");
        Tensor out = Indexing.embedding(w, t.get("embedding.ids"));
        TensorAssert.assertClose(expected("embedding.out"), out, 0, "embedding forward (exact)");
        out.backward(expected("embedding.grad_out"));
        TensorAssert.assertGradClose(expected("embedding.grad_weight"), w.grad(), 1e-5, "embedding grad");
    }

    @Test
    void conv2dPatch() {
        check("conv2d.patch", x -> Functional.conv2dPatch(x[0], x[1], null), "x", "weight");
    }

    @Test
    void conv2dPatchBias() {
        check("conv2d.patch_bias", x -> Functional.conv2dPatch(x[0], x[1], x[2]), "x", "weight", "bias");
    }

    @Test
    void adamwNoDecay() {
        adamw("adamw.wd0", 0.0);
    }

    @Test
    void adamwDecay() {
        adamw("adamw.wd0.01", 0.01);
    }

    private void adamw(String c, double wd) {
        Tensor p = t.get(c + ".p0").copy();
        Tensor m = Tensor.zeros(p.shape());
        Tensor v = Tensor.zeros(p.shape());
        try (GradMode.Guard g = GradMode.noGrad()) {
            p.backend().adamw(p, t.get(c + ".g1"), m, v, 1e-3, 0.9, 0.999, 1e-8, wd, 1);
            TensorAssert.assertClose(expected(c + ".p1"), p, 1e-6, c + " step 1");
            p.backend().adamw(p, t.get(c + ".g2"), m, v, 1e-3, 0.9, 0.999, 1e-8, wd, 2);
            TensorAssert.assertClose(expected(c + ".p2"), p, 1e-6, c + " step 2");
        }
    }

    /** Guards against a vacuous run: the fixture really has 24 cases and F32 data. */
    @Test
    void fixtureIsComplete() {
        org.junit.jupiter.api.Assertions.assertEquals(DType.F32, t.get("linear.x").dtype());
        org.junit.jupiter.api.Assertions.assertTrue(t.size() > 140, "fixture tensors: " + t.size());
    }
}
