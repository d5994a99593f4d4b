package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.ReduceOp;
import dev.llava4j.tensor.backend.UnaryOp;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every SPI method of the CUDA backend against the CPU backend on the same inputs: odd sizes, transposed, sliced
 * and broadcast views, several dtypes, masks and ignore indices. Each case calls the SPI directly on both backends
 * (host tensors for the CPU, device copies with the same strides for the GPU) and compares every output.
 * Tolerance, unless a case says otherwise: max abs diff <= 5e-5 * max(1, max|cpu output|) (float kernels, different
 * summation order). Skipped, with the reason, where there is no GPU.
 */
class CudaParityTest {
    private static final double TOL = 5e-5;
    private static final Backend CPU = Backends.byName("cpu");
    private static final Backend CUDA = Backends.byName("cuda");

    /** Per test (not per class) so that every skipped test shows up, with the reason, in the report. */
    @BeforeEach
    void requireGpu() {
        assumeTrue(CudaRuntime.available(), () -> "no usable GPU, CUDA parity test skipped: " + CudaRuntime.unavailableReason());
    }

    /** The SPI call under test, run once per backend. */
    @FunctionalInterface
    private interface Call {
        void run(Backend b, Tensor[] in, Tensor[] out);
    }

    private record Out(DType dtype, int... shape) {
    }

    private static Out out(DType dtype, int... shape) {
        return new Out(dtype, shape);
    }

    private static Out f32(int... shape) {
        return new Out(DType.F32, shape);
    }

    /**
     * Runs call on the CPU backend with the host inputs and on the GPU with device copies, then compares the
     * outputs and (for in-place ops) the inputs listed in {@code mutated}.
     */
    private static void parity(String what, double tol, Tensor[] in, Out[] outs, Call call, int... mutated) {
        Tensor[] hostIn = new Tensor[in.length];
        Tensor[] devIn = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            if (in[i] != null) {
                hostIn[i] = copyView(in[i]);
                devIn[i] = CudaTensors.toDevice(in[i]);
            }
        }
        Tensor[] hostOut = new Tensor[outs.length];
        Tensor[] devOut = new Tensor[outs.length];
        for (int i = 0; i < outs.length; i++) {
            if (outs[i] != null) {
                hostOut[i] = Tensor.zeros(outs[i].dtype(), outs[i].shape());
                devOut[i] = CudaTensors.zeros(outs[i].dtype(), outs[i].shape());
            }
        }
        call.run(CPU, hostIn, hostOut);
        call.run(CUDA, devIn, devOut);
        for (int i = 0; i < outs.length; i++) {
            if (outs[i] != null) {
                Tensor got = CudaTensors.toHost(devOut[i]);
                assertEquals(hostOut[i].dtype(), got.dtype(), what + " output " + i + " dtype");
                TensorAssert.assertCloseScaled(hostOut[i], got, tol, what + " output " + i);
            }
        }
        for (int i : mutated) {
            TensorAssert.assertCloseScaled(hostIn[i], CudaTensors.toHost(devIn[i]), tol, what + " in-place input " + i);
        }
    }

    /** An independent host copy of a view that keeps its strides (so in-place ops cannot share inputs). */
    private static Tensor copyView(Tensor t) {
        Tensor onDevice = CudaTensors.toDevice(t);
        return CudaTensors.toHost(onDevice);
    }

    private static Tensor rnd(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape);
    }

    private static Tensor positive(long seed, int... shape) {
        return rnd(seed, shape).abs().add(0.1);
    }

    // ------------------------------------------------------------------ elementwise

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryOpOnATransposedView(UnaryOp op) {
        boolean needsPositive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT
                || op == UnaryOp.RECIPROCAL;
        Tensor x = (needsPositive ? positive(1, 31, 33) : rnd(1, 31, 33)).mT();
        parity("unary " + op, TOL, new Tensor[]{x}, new Out[]{f32(33, 31)}, (b, in, out) -> b.unary(op, in[0], out[0]));
    }

    @Test
    void unaryConvertsDtypesOnLoadAndStore() {
        Tensor x = rnd(2, 7, 33).to(DType.BF16);
        parity("silu bf16 -> f32", TOL, new Tensor[]{x}, new Out[]{f32(7, 33)}, (b, in, out) -> b.unary(UnaryOp.SILU, in[0], out[0]));
        parity("exp f32 -> bf16", TOL, new Tensor[]{rnd(3, 1000)}, new Out[]{out(DType.BF16, 1000)},
                (b, in, out) -> b.unary(UnaryOp.EXP, in[0], out[0]));
        parity("neg i64", 0, new Tensor[]{Tensor.ofLongs(new long[]{1L << 53 | 1, -5, 0})},
                new Out[]{out(DType.I64, 3)}, (b, in, out) -> b.unary(UnaryOp.NEG, in[0], out[0]));
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void everyBinaryOpWithBroadcasting(BinaryOp op) {
        Tensor a = op == BinaryOp.POW ? positive(4, 7, 1, 33) : rnd(4, 7, 1, 33);
        Tensor bb = rnd(5, 5, 33);
        if (op.isComparison()) {
            // small whole numbers, so that equal pairs occur
            a = a.mul(1.5).to(DType.I64).to(DType.F32);
            bb = bb.mul(1.5).to(DType.I64).to(DType.F32);
        }
        Tensor ae = a.expand(7, 5, 33);
        Tensor be = bb.expand(7, 5, 33);
        DType outType = op.isComparison() ? DType.BOOL : DType.F32;
        parity("binary " + op, TOL, new Tensor[]{ae, be}, new Out[]{out(outType, 7, 5, 33)},
                (b, in, out) -> b.binary(op, in[0], in[1], out[0]));
    }

    @Test
    void integerArithmeticStaysExact() {
        Tensor a = Tensor.ofLongs(new long[]{(1L << 53) + 1, 7, -9, 1L << 40});
        Tensor c = Tensor.ofLongs(new long[]{2, 3, 4, 5});
        parity("i64 add", 0, new Tensor[]{a, c}, new Out[]{out(DType.I64, 4)}, (b, in, out) -> b.binary(BinaryOp.ADD, in[0], in[1], out[0]));
        parity("i64 mul", 0, new Tensor[]{a, c}, new Out[]{out(DType.I64, 4)}, (b, in, out) -> b.binary(BinaryOp.MUL, in[0], in[1], out[0]));
    }

    @Test
    void whereWithBroadcastCondition() {
        Tensor cond = rnd(6, 1, 33).gt(0.0).expand(7, 33);
        parity("where", TOL, new Tensor[]{cond, rnd(7, 7, 33), rnd(8, 33).expand(7, 33)}, new Out[]{f32(7, 33)},
                (b, in, out) -> b.where(in[0], in[1], in[2], out[0]));
    }

    @Test
    void copyConvertsAndWritesStridedViews() {
        Tensor src = rnd(9, 5, 31).mT();
        for (DType t : new DType[]{DType.F32, DType.BF16, DType.F16, DType.F64, DType.I32, DType.I64, DType.U8, DType.BOOL}) {
            parity("copy f32 -> " + t, TOL, new Tensor[]{src.mul(3.0)}, new Out[]{out(t, 31, 5)},
                    (b, in, out) -> b.copy(in[0], out[0]));
        }
        parity("copy i64 exact", 0, new Tensor[]{Tensor.ofLongs(new long[]{(1L << 62) + 3, -1})},
                new Out[]{out(DType.I64, 2)}, (b, in, out) -> b.copy(in[0], out[0]));
        // into every other column of a wider output: the destination is a strided view
        parity("copy into strided view", TOL, new Tensor[]{rnd(10, 4, 6)}, new Out[]{f32(4, 12)},
                (b, in, out) -> b.copy(in[0], out[0].slice(1, 0, 12, 2)));
        parity("fill strided", TOL, new Tensor[]{}, new Out[]{f32(6, 9)},
                (b, in, out) -> b.fill(out[0].slice(0, 1, 6, 2), 2.5));
    }

    @Test
    void copyMovesDataBetweenHostAndDevice() {
        Tensor host = rnd(11, 3, 7).mT();
        Tensor dev = CudaTensors.zeros(DType.BF16, 7, 3);
        CUDA.copy(host, dev);
        Tensor back = Tensor.zeros(DType.F32, 7, 3);
        CUDA.copy(dev, back);
        TensorAssert.assertCloseScaled(host.to(DType.BF16).to(DType.F32), back, 0, "host -> device bf16 -> host");
    }

    // ------------------------------------------------------------------ reductions

    @Test
    void reductionsOverAnyDims() {
        Tensor x = rnd(12, 3, 31, 7);
        for (ReduceOp op : ReduceOp.values()) {
            // products of values near 1 stay in range; their float rounding grows with the count, hence 2e-4
            Tensor xin = op == ReduceOp.PROD ? rnd(13, 3, 31, 7).mul(0.05).add(1.0) : x;
            double tol = op == ReduceOp.PROD ? 2e-4 : TOL;
            parity("reduce " + op + " last", tol, new Tensor[]{xin}, new Out[]{f32(3, 31, 1)},
                    (b, in, out) -> b.reduce(op, in[0], new int[]{2}, out[0]));
            parity("reduce " + op + " dims 0,2", tol, new Tensor[]{xin}, new Out[]{f32(1, 31, 1)},
                    (b, in, out) -> b.reduce(op, in[0], new int[]{0, 2}, out[0]));
            parity("reduce " + op + " all of a transposed view", tol, new Tensor[]{xin.transpose(0, 2)},
                    new Out[]{f32(1, 1, 1)}, (b, in, out) -> b.reduce(op, in[0], new int[]{0, 1, 2}, out[0]));
        }
        parity("sum 1000 wide", TOL, new Tensor[]{rnd(14, 7, 1000)}, new Out[]{f32(7, 1)},
                (b, in, out) -> b.reduce(ReduceOp.SUM, in[0], new int[]{1}, out[0]));
        parity("sum f64", 1e-12, new Tensor[]{rnd(15, 5, 33).to(DType.F64)}, new Out[]{out(DType.F64, 1, 33)},
                (b, in, out) -> b.reduce(ReduceOp.SUM, in[0], new int[]{0}, out[0]));
    }

    @Test
    void argMaxMinWithTiesAndNaN() {
        Tensor x = Tensor.of(new float[]{1, 5, 5, 2, /**/ 3, Float.NaN, 9, Float.NaN, /**/ -1, -1, -1, -1}, 3, 4);
        for (boolean max : new boolean[]{true, false}) {
            parity("argReduce max=" + max, 0, new Tensor[]{x}, new Out[]{f32(3, 1), out(DType.I64, 3, 1)},
                    (b, in, out) -> b.argReduce(max, in[0], 1, out[0], out[1]));
            parity("argReduce dim 0 max=" + max, 0, new Tensor[]{rnd(16, 33, 7)}, new Out[]{f32(1, 7), out(DType.I64, 1, 7)},
                    (b, in, out) -> b.argReduce(max, in[0], 0, out[0], out[1]));
        }
    }

    // ------------------------------------------------------------------ matmul

    @Test
    void matmulLayoutsAndBatches() {
        parity("A.B", 1e-4, new Tensor[]{rnd(1, 33, 31), rnd(2, 31, 7)}, new Out[]{f32(33, 7)},
                (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("A.Bt", 1e-4, new Tensor[]{rnd(3, 7, 33), rnd(4, 31, 33).mT()}, new Out[]{f32(7, 31)},
                (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("At.B", 1e-4, new Tensor[]{rnd(5, 31, 1).mT(), rnd(6, 31, 33)}, new Out[]{f32(1, 33)},
                (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("At.Bt", 1e-4, new Tensor[]{rnd(7, 7, 33).mT(), rnd(8, 1, 7).mT()}, new Out[]{f32(33, 1)},
                (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("strided (needs copy)", 1e-4, new Tensor[]{rnd(9, 8, 40).slice(1, 0, 40, 2), rnd(10, 20, 6)},
                new Out[]{f32(8, 6)}, (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("batched broadcast", 1e-4, new Tensor[]{rnd(11, 3, 1, 7, 31).expand(3, 2, 7, 31),
                rnd(12, 2, 31, 33).expand(3, 2, 31, 33)}, new Out[]{f32(3, 2, 7, 33)},
                (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("gemv", 1e-4, new Tensor[]{rnd(13, 1, 1000), rnd(14, 33, 1000).mT()}, new Out[]{f32(1, 33)},
                (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("k = 0", 0, new Tensor[]{rnd(15, 3, 0), rnd(16, 0, 4)}, new Out[]{f32(3, 4)},
                (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("f64", 1e-12, new Tensor[]{rnd(17, 9, 17).to(DType.F64), rnd(18, 17, 5).to(DType.F64)},
                new Out[]{out(DType.F64, 9, 5)}, (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("i64 (generic kernel)", 0, new Tensor[]{rnd(19, 4, 6).mul(10).to(DType.I64), rnd(20, 6, 3).mul(10).to(DType.I64)},
                new Out[]{out(DType.I64, 4, 3)}, (b, in, out) -> b.matmul(in[0], in[1], out[0]));
    }

    @Test
    void halfPrecisionMatmulOnTensorCores() {
        // BF16 inputs: products are exact in F32, sums differ only in order -> tight; output rounding to BF16 -> 2^-8
        parity("bf16 x bf16 -> f32", 1e-4, new Tensor[]{rnd(21, 64, 96).to(DType.BF16), rnd(22, 96, 48).to(DType.BF16)},
                new Out[]{f32(64, 48)}, (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("bf16 x bf16 -> bf16", 8e-3, new Tensor[]{rnd(23, 64, 96).to(DType.BF16), rnd(24, 96, 48).to(DType.BF16)},
                new Out[]{out(DType.BF16, 64, 48)}, (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        parity("f16 x f16 -> f16", 2e-3, new Tensor[]{rnd(25, 16, 64).to(DType.F16), rnd(26, 64, 8).to(DType.F16)},
                new Out[]{out(DType.F16, 16, 8)}, (b, in, out) -> b.matmul(in[0], in[1], out[0]));
        // F32 activations x BF16 weights: the activations are rounded to BF16 (relative 2^-9 each)
        parity("f32 x bf16 weight (fast)", 2e-2, new Tensor[]{rnd(27, 7, 33), rnd(28, 31, 33).to(DType.BF16).mT()},
                new Out[]{f32(7, 31)}, (b, in, out) -> b.matmul(in[0], in[1], out[0]));
    }

    // ------------------------------------------------------------------ fused kernels

    @Test
    void softmaxForwardAndBackward() {
        for (boolean log : new boolean[]{false, true}) {
            parity("softmax log=" + log, TOL, new Tensor[]{rnd(1, 7, 1000)}, new Out[]{f32(7, 1000)},
                    (b, in, out) -> b.softmax(in[0], out[0], log));
            parity("softmax backward log=" + log, TOL, new Tensor[]{rnd(2, 33, 31), rnd(3, 33, 31)}, new Out[]{f32(33, 31)},
                    (b, in, out) -> {
                        Tensor y = b == CPU ? Tensor.zeros(33, 31) : CudaTensors.zeros(DType.F32, 33, 31);
                        b.softmax(in[0], y, log);
                        b.softmaxBackward(y, in[1], out[0], log);
                    });
        }
        Tensor masked = Tensor.full(Double.NEGATIVE_INFINITY, DType.F32, 2, 5);
        parity("softmax of a fully masked row is NaN", 0, new Tensor[]{masked}, new Out[]{f32(2, 5)},
                (b, in, out) -> b.softmax(in[0], out[0], false));
    }

    @Test
    void layerNormForwardAndBackward() {
        Tensor x = rnd(4, 7, 33);
        Tensor w = rnd(5, 33);
        Tensor bias = rnd(6, 33);
        parity("layer_norm", TOL, new Tensor[]{x, w, bias}, new Out[]{f32(7, 33), f32(7), f32(7)},
                (b, in, out) -> b.layerNorm(in[0], in[1], in[2], 1e-5, out[0], out[1], out[2]));
        parity("layer_norm no affine", TOL, new Tensor[]{x}, new Out[]{f32(7, 33), f32(7), f32(7)},
                (b, in, out) -> b.layerNorm(in[0], null, null, 1e-5, out[0], out[1], out[2]));
        parity("layer_norm backward", TOL, new Tensor[]{x, w, bias, rnd(7, 7, 33)},
                new Out[]{f32(7, 33), f32(33), f32(33)}, (b, in, out) -> {
                    Tensor[] fwd = scratch(b, f32(7, 33), f32(7), f32(7));
                    b.layerNorm(in[0], in[1], in[2], 1e-5, fwd[0], fwd[1], fwd[2]);
                    b.layerNormBackward(in[0], in[1], fwd[1], fwd[2], in[3], out[0], out[1], out[2]);
                });
    }

    @Test
    void rmsNormForwardAndBackward() {
        Tensor x = rnd(8, 31, 1000);
        Tensor w = rnd(9, 1000);
        parity("rms_norm", TOL, new Tensor[]{x, w}, new Out[]{f32(31, 1000), f32(31)},
                (b, in, out) -> b.rmsNorm(in[0], in[1], 1e-5, out[0], out[1]));
        parity("rms_norm backward", TOL, new Tensor[]{x, w, rnd(10, 31, 1000)}, new Out[]{f32(31, 1000), f32(1000)},
                (b, in, out) -> {
                    Tensor[] fwd = scratch(b, f32(31, 1000), f32(31));
                    b.rmsNorm(in[0], in[1], 1e-5, fwd[0], fwd[1]);
                    b.rmsNormBackward(in[0], in[1], fwd[1], in[2], out[0], out[1]);
                });
        parity("rms_norm bf16 input", 1e-2, new Tensor[]{x.to(DType.BF16), w}, new Out[]{out(DType.BF16, 31, 1000), f32(31)},
                (b, in, out) -> b.rmsNorm(in[0], in[1], 1e-6, out[0], out[1]));
    }

    @Test
    void ropeForwardAndTranspose() {
        Tensor cos = rnd(11, 2, 1, 7, 16).expand(2, 3, 7, 16);
        Tensor sin = rnd(12, 2, 1, 7, 16).expand(2, 3, 7, 16);
        for (boolean backward : new boolean[]{false, true}) {
            parity("rope backward=" + backward, TOL, new Tensor[]{rnd(13, 2, 7, 3, 16).transpose(1, 2), cos, sin},
                    new Out[]{f32(2, 3, 7, 16)}, (b, in, out) -> b.rope(in[0], in[1], in[2], out[0], backward));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 70})
    void attentionForwardAndBackward(int t) {
        double scale = 1 / Math.sqrt(64);
        attention("causal t=" + t, rnd(1, 2, 4, t, 64), rnd(2, 2, 4, t, 64), rnd(3, 2, 4, t, 64), null, true, scale);
        attention("kv cache + grouped heads t=" + t, rnd(4, 1, 4, 1, 64), rnd(5, 1, 2, t, 64), rnd(6, 1, 2, t, 64),
                null, true, scale);
        Tensor keep = Tensor.arange(0, t, 1, DType.F32).lt((double) Math.max(1, t - 2)).reshape(1, 1, 1, t);
        Tensor mask = dev.llava4j.tensor.ops.Elementwise.where(keep, Tensor.scalar(0), Tensor.scalar(Double.NEGATIVE_INFINITY))
                .expand(2, 3, t, t);
        attention("padding mask t=" + t, rnd(7, 2, 3, t, 128), rnd(8, 2, 3, t, 128), rnd(9, 2, 3, t, 128), mask, false,
                1 / Math.sqrt(128));
        attention("transposed layout t=" + t, rnd(10, 1, t, 2, 64).transpose(1, 2), rnd(11, 1, t, 2, 64).transpose(1, 2),
                rnd(12, 1, t, 2, 64).transpose(1, 2), null, true, scale);
    }

    @Test
    void attentionWithFullyMaskedRowsGivesZeros() {
        Tensor mask = Tensor.full(Double.NEGATIVE_INFINITY, DType.F32, 1, 1, 3, 5).expand(1, 2, 3, 5);
        attention("all masked", rnd(13, 1, 2, 3, 32), rnd(14, 1, 2, 5, 32), rnd(15, 1, 2, 5, 32), mask, false, 0.2);
    }

    private static void attention(String what, Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale) {
        int[] qs = q.shape();
        int[] lseShape = Arrays.copyOf(qs, 3);
        Tensor gOut = rnd(99, qs[0], qs[1], qs[2], v.size(3));
        parity("attention " + what, 1e-4, new Tensor[]{q, k, v, mask, gOut},
                new Out[]{f32(qs[0], qs[1], qs[2], v.size(3)), f32(lseShape), f32(q.shape()), f32(k.shape()), f32(v.shape())},
                (b, in, out) -> {
                    b.attention(in[0], in[1], in[2], in[3], causal, scale, out[0], out[1]);
                    b.attentionBackward(in[0], in[1], in[2], in[3], causal, scale, out[0], out[1], in[4], out[2], out[3], out[4]);
                });
    }

    // ------------------------------------------------------------------ indexing

    @Test
    void embeddingGatherAndScatter() {
        Tensor table = rnd(1, 31, 7);
        Tensor ids = Tensor.ofLongs(new long[]{4, 0, 4, 30, 2});
        parity("index_select", 0, new Tensor[]{table, ids}, new Out[]{f32(5, 7)},
                (b, in, out) -> b.indexSelect(in[0], 0, in[1], out[0]));
        parity("index_select dim 1 of a transposed view", 0, new Tensor[]{table.mT(), Tensor.ofLongs(new long[]{30, 1, 1})},
                new Out[]{f32(7, 3)}, (b, in, out) -> b.indexSelect(in[0], 1, in[1], out[0]));
        parity("index_add (embedding backward, repeated ids)", TOL, new Tensor[]{Tensor.zeros(31, 7), ids, rnd(2, 5, 7)},
                new Out[]{}, (b, in, out) -> b.indexAdd(in[0], 0, in[1], in[2]), 0);
        Tensor gidx = Tensor.ofLongs(new long[]{0, 6, 6, 1, 2, 3}, 2, 3);
        parity("gather", 0, new Tensor[]{rnd(3, 2, 7), gidx}, new Out[]{f32(2, 3)},
                (b, in, out) -> b.gather(in[0], 1, in[1], out[0]));
        parity("scatter_add", TOL, new Tensor[]{Tensor.zeros(2, 7), gidx, rnd(4, 2, 3)}, new Out[]{},
                (b, in, out) -> b.scatterAdd(in[0], 1, in[1], in[2]), 0);
        parity("index_add bf16 destination", 1e-2, new Tensor[]{Tensor.zeros(DType.BF16, 31, 7), ids, rnd(5, 5, 7)},
                new Out[]{}, (b, in, out) -> b.indexAdd(in[0], 0, in[1], in[2]), 0);
    }

    @Test
    void outOfRangeIndexIsReportedAtTheNextSynchronisation() {
        Tensor table = CudaTensors.toDevice(rnd(6, 4, 3));
        Tensor ids = CudaTensors.toDevice(Tensor.ofLongs(new long[]{1, 9}));
        Tensor out = CudaTensors.zeros(DType.F32, 2, 3);
        CUDA.indexSelect(table, 0, ids, out);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, CudaTensors::synchronize);
        assertTrue(e.getMessage().contains("index_select") && e.getMessage().contains("9"), e.getMessage());
        CudaTensors.synchronize();  // the record was cleared
    }

    // ------------------------------------------------------------------ loss and optimizer

    @Test
    void crossEntropyWithIgnoreIndex() {
        Tensor logits = rnd(10, 7, 1000);
        Tensor targets = Tensor.ofLongs(new long[]{3, -100, 999, 0, 5, -100, 7});
        parity("cross_entropy", TOL, new Tensor[]{logits, targets}, new Out[]{f32(7), f32(7)},
                (b, in, out) -> b.crossEntropy(in[0], in[1], -100, out[0], out[1]));
        parity("cross_entropy backward", TOL, new Tensor[]{logits, targets, rnd(11, 7)}, new Out[]{f32(7, 1000)},
                (b, in, out) -> {
                    Tensor[] fwd = scratch(b, f32(7), f32(7));
                    b.crossEntropy(in[0], in[1], -100, fwd[0], fwd[1]);
                    b.crossEntropyBackward(in[0], in[1], -100, fwd[1], in[2], out[0]);
                });
    }

    @Test
    void adamwStepsWithABf16Gradient() {
        Tensor p = rnd(1, 1000);
        Tensor g = rnd(2, 1000).to(DType.BF16);
        parity("adamw 5 steps", 1e-6, new Tensor[]{p, g, Tensor.zeros(1000), Tensor.zeros(1000)}, new Out[]{},
                (b, in, out) -> {
                    for (int step = 1; step <= 5; step++) {
                        b.adamw(in[0], in[1], in[2], in[3], 1e-3, 0.9, 0.999, 1e-8, 0.01, step);
                    }
                }, 0, 2, 3);
    }

    // ------------------------------------------------------------------ allocator

    @Test
    void releasedDeviceTensorsAreReusedAndUnusable() {
        AllocatorStats before = CudaTensors.memoryStats();
        Tensor t = CudaTensors.empty(DType.F32, 1 << 20);
        t.release();
        Tensor u = CudaTensors.empty(DType.F32, 1 << 20);
        AllocatorStats after = CudaTensors.memoryStats();
        assertTrue(after.cacheHits() > before.cacheHits(), before + " -> " + after);
        assertThrows(IllegalStateException.class, () -> CUDA.fill(t, 1.0));
        u.release();
    }

    /** Intermediate outputs on the backend's own device. */
    private static Tensor[] scratch(Backend b, Out... outs) {
        Tensor[] r = new Tensor[outs.length];
        for (int i = 0; i < outs.length; i++) {
            r[i] = b == CPU ? Tensor.zeros(outs[i].dtype(), outs[i].shape()) : CudaTensors.zeros(outs[i].dtype(), outs[i].shape());
        }
        return r;
    }
}
