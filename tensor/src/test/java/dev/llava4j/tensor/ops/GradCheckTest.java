package dev.llava4j.tensor.ops;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.testing.GradCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.llava4j.tensor.testing.GradCheck.check;
import static dev.llava4j.tensor.testing.GradCheck.leaf;

/** Finite-difference checks (double precision, reference backend) of every differentiable op's backward rule. */
class GradCheckTest {
    private Backends.Handle handle;

    @BeforeEach
    void useReference() {
        handle = Backends.use(Backends.byName("reference"));
    }

    @AfterEach
    void restore() {
        handle.close();
    }

    /** Random values kept away from 0 (kinks of relu/abs, poles of log/div): uniform in [0.3, 1.3] with a random sign. */
    private static Tensor awayFromZero(long seed, boolean positive, int... shape) {
        Generator g = new Generator(seed);
        Tensor t = Tensor.uniform(g, 0.3, 1.3, shape).to(DType.F64);
        if (!positive) {
            Tensor sign = Tensor.rand(g, shape).gt(0.5).to(DType.F64).mul(2.0).sub(1.0);
            t = t.mul(sign);
        }
        return t.requiresGrad(true);
    }

    @Test
    void unaryOps() {
        check("neg", x -> x[0].neg(), leaf(1, 3, 4));
        check("exp", x -> x[0].exp(), leaf(2, 3, 4));
        check("log", x -> x[0].log(), awayFromZero(3, true, 3, 4));
        check("sqrt", x -> x[0].sqrt(), awayFromZero(4, true, 3, 4));
        check("rsqrt", x -> x[0].rsqrt(), awayFromZero(5, true, 3, 4));
        check("tanh", x -> x[0].tanh(), leaf(6, 3, 4));
        check("sigmoid", x -> x[0].sigmoid(), leaf(7, 3, 4));
        check("relu", x -> x[0].relu(), awayFromZero(8, false, 3, 4));
        check("gelu", x -> x[0].gelu(), leaf(9, 3, 4));
        check("gelu_tanh", x -> x[0].geluTanh(), leaf(10, 3, 4));
        check("quick_gelu", x -> x[0].quickGelu(), leaf(11, 3, 4));
        check("silu", x -> x[0].silu(), leaf(12, 3, 4));
        check("abs", x -> x[0].abs(), awayFromZero(13, false, 3, 4));
        check("square", x -> x[0].square(), leaf(14, 3, 4));
        check("sin", x -> Elementwise.unary(dev.llava4j.tensor.backend.UnaryOp.SIN, x[0]), leaf(15, 3, 4));
        check("cos", x -> Elementwise.unary(dev.llava4j.tensor.backend.UnaryOp.COS, x[0]), leaf(16, 3, 4));
        check("reciprocal", x -> Elementwise.unary(dev.llava4j.tensor.backend.UnaryOp.RECIPROCAL, x[0]),
                awayFromZero(17, false, 3, 4));
    }

    @Test
    void binaryOpsWithBroadcasting() {
        check("add", x -> x[0].add(x[1]), leaf(1, 2, 3, 4), leaf(2, 3, 1));
        check("sub", x -> x[0].sub(x[1]), leaf(3, 4), leaf(4, 2, 3, 4));
        check("mul", x -> x[0].mul(x[1]), leaf(5, 2, 1, 4), leaf(6, 3, 1));
        check("div", x -> x[0].div(x[1]), leaf(7, 2, 3), awayFromZero(8, false, 3));
        check("pow", x -> x[0].pow(x[1]), awayFromZero(9, true, 2, 3), leaf(10, 2, 3));
        check("pow scalar", x -> x[0].pow(3.0), leaf(11, 2, 3));
        check("maximum", x -> x[0].maximum(x[1]), leaf(12, 2, 3), leaf(13, 2, 3));
        check("minimum", x -> x[0].minimum(x[1]), leaf(14, 2, 3), leaf(15, 3));
        check("scalar ops", x -> x[0].mul(2.5).add(1.0).div(3.0).sub(0.5), leaf(16, 5));
    }

    @Test
    void selectionOps() {
        Tensor cond = Tensor.rand(new Generator(1), 3, 4).gt(0.5);
        check("where", x -> Elementwise.where(cond, x[0], x[1]), leaf(2, 3, 4), leaf(3, 4));
        check("clamp", x -> x[0].clamp(-0.5, 0.5), awayFromZeroAndBounds(4));
        check("masked_fill", x -> x[0].maskedFill(cond, -1.0), leaf(5, 3, 4));
    }

    private static Tensor awayFromZeroAndBounds(long seed) {
        // values not within 1e-3 of the clamp bounds, where the derivative jumps
        double[] v = {-1.2, -0.7, -0.3, 0.1, 0.4, 0.9, 1.5, -0.1};
        return Tensor.of(v, DType.F64, 2, 4).requiresGrad(true);
    }

    @Test
    void reductions() {
        check("sum all", x -> x[0].sum(), leaf(1, 3, 4));
        check("sum dims keep", x -> x[0].sum(new int[]{0, 2}, true), leaf(2, 2, 3, 4));
        check("sum dim", x -> x[0].sum(1, false), leaf(3, 2, 3, 4));
        check("mean", x -> x[0].mean(-1, false), leaf(4, 2, 3, 4));
        check("max dim", x -> x[0].max(1, false).values(), leaf(5, 3, 5));
        check("min dim", x -> x[0].min(0, true).values(), leaf(6, 3, 5));
        check("max all", x -> x[0].max(), leaf(7, 3, 5));
        check("var", x -> x[0].var(1, false, 1), leaf(8, 3, 5));
        check("logsumexp", x -> x[0].logsumexp(-1, false), leaf(9, 3, 5));
    }

    @Test
    void matmulAndLinear() {
        check("matmul 2d", x -> x[0].matmul(x[1]), leaf(1, 3, 4), leaf(2, 4, 5));
        check("matmul batched broadcast", x -> x[0].matmul(x[1]), leaf(3, 2, 1, 3, 4), leaf(4, 3, 4, 2));
        check("matmul vector", x -> x[0].matmul(x[1]), leaf(5, 4), leaf(6, 4, 3));
        check("matmul transposed", x -> x[0].mT().matmul(x[1].mT()), leaf(7, 4, 3), leaf(8, 2, 4));
        check("linear", x -> Linalg.linear(x[0], x[1], x[2]), leaf(9, 2, 3, 4), leaf(10, 5, 4), leaf(11, 5));
    }

    @Test
    void softmaxFamily() {
        check("softmax last", x -> x[0].softmax(-1), leaf(1, 3, 5));
        check("softmax dim0", x -> x[0].softmax(0), leaf(2, 3, 5));
        check("log_softmax", x -> x[0].logSoftmax(1), leaf(3, 2, 4, 3));
    }

    @Test
    void norms() {
        check("layer_norm", x -> Functional.layerNorm(x[0], x[1], x[2], 1e-5), leaf(1, 3, 6), leaf(2, 6), leaf(3, 6));
        check("layer_norm no affine", x -> Functional.layerNorm(x[0], null, null, 1e-5), leaf(4, 2, 3, 5));
        check("rms_norm", x -> Functional.rmsNorm(x[0], x[1], 1e-5), leaf(5, 4, 6), leaf(6, 6));
    }

    @Test
    void rotaryAndAttention() {
        Tensor pos = Tensor.ofLongs(new long[]{0, 1, 2, 3, 7, 8, 9, 10}, 2, 4);
        Tensor[] cs = Functional.rotaryCosSin(pos, 6, 10000.0);
        check("rope", x -> Functional.rope(x[0], cs[0], cs[1]), leaf(1, 2, 3, 4, 6));
        check("sdpa causal", x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null, true, 0.4),
                leaf(2, 1, 2, 3, 4), leaf(3, 1, 2, 3, 4), leaf(4, 1, 2, 3, 4));
        check("sdpa kv-cache offset, grouped heads", x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], null,
                true, 0.5), leaf(5, 2, 4, 2, 3), leaf(6, 2, 2, 5, 3), leaf(7, 2, 2, 5, 3));
        Tensor mask = Tensor.of(new double[]{0, 0, Double.NEGATIVE_INFINITY, 0, -1.5, 0}, DType.F64, 2, 1, 1, 3);
        check("sdpa padding mask", x -> Functional.scaledDotProductAttention(x[0], x[1], x[2], mask, false, 0.5),
                leaf(8, 2, 2, 2, 4), leaf(9, 2, 2, 3, 4), leaf(10, 2, 2, 3, 4));
    }

    @Test
    void lossAndIndexing() {
        Tensor targets = Tensor.ofLongs(new long[]{2, -100, 0, 4, 1, -100}, 6);
        check("cross_entropy", x -> Functional.crossEntropy(x[0], targets, -100), leaf(1, 6, 5));
        Tensor ids = Tensor.ofLongs(new long[]{3, 1, 3, 0, 2, 1}, 2, 3);
        check("embedding (repeated ids)", x -> Indexing.embedding(x[0], ids), leaf(2, 5, 4));
        Tensor idx = Tensor.ofLongs(new long[]{2, 0, 2}, 3);
        check("index_select dim1", x -> Indexing.indexSelect(x[0], 1, idx), leaf(3, 2, 4));
        Tensor gi = Tensor.ofLongs(new long[]{0, 2, 1, 1, 0, 0}, 2, 3);
        check("gather", x -> Indexing.gather(x[0], 1, gi), leaf(4, 2, 4));
        check("scatter_add", x -> Indexing.scatterAdd(x[0], 1, gi, x[1]), leaf(5, 2, 4), leaf(6, 2, 3));
    }

    @Test
    void joinsAndConv() {
        check("cat", x -> Indexing.cat(List.of(x[0], x[1]), 1), leaf(1, 2, 3), leaf(2, 2, 2));
        check("stack", x -> Indexing.stack(List.of(x[0], x[1]), 0), leaf(3, 2, 3), leaf(4, 2, 3));
        check("split", x -> Indexing.split(x[0], 2, 1).get(1).mul(Indexing.chunk(x[0], 3, 1).get(0)), leaf(5, 2, 6));
        check("conv2d patch", x -> Functional.conv2dPatch(x[0], x[1], x[2]), leaf(6, 1, 2, 5, 4), leaf(7, 3, 2, 2, 2),
                leaf(8, 3));
    }

    @Test
    void viewsAndReuse() {
        check("reshape+permute", x -> x[0].reshape(3, 2, 2).permute(2, 0, 1).mul(x[0].reshape(2, 2, 3).transpose(1, 2)),
                leaf(1, 2, 6));
        check("narrow/slice/select", x -> x[0].narrow(1, 1, 2).add(x[0].slice(1, 0, 4, 2)).mul(x[0].select(1, 3).unsqueeze(1)),
                leaf(2, 3, 4));
        check("expand", x -> x[0].expand(4, 3, 2).mul(x[1]), leaf(3, 3, 1), leaf(4, 4, 3, 2));
        check("squeeze", x -> x[0].squeeze().mul(2.0), leaf(5, 1, 3, 1));
        check("used twice", x -> x[0].mul(x[0]).add(x[0].exp()), leaf(6, 4));
        check("non-contiguous input to contiguous()", x -> x[0].mT().contiguous().exp(), leaf(7, 3, 2));
    }

    @Test
    void dropoutGradientIsTheMask() {
        check("dropout", x -> Functional.dropout(x[0], 0.3, true, new Generator(3)), leaf(1, 4, 5));
    }
}
