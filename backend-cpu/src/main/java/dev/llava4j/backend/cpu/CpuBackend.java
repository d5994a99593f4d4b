package dev.llava4j.backend.cpu;

import dev.llava4j.backend.cpu.kernel.ElementType;
import dev.llava4j.backend.cpu.kernel.Gemv;
import dev.llava4j.backend.cpu.kernel.Sgemm;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.ReduceOp;
import dev.llava4j.tensor.backend.UnaryOp;
import dev.llava4j.tensor.backend.ref.ReferenceBackend;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * The CPU backend: Vector API kernels for the common layouts (F32 compute, BF16/F16 weights in matmul), falling back
 * to the reference code for other dtypes and layouts. {@link #nativeOps()} names the SPI methods with a vector path.
 */
public final class CpuBackend extends ReferenceBackend {

    private static final Set<String> NATIVE = Set.of("unary", "binary", "copy", "fill", "reduce", "matmul",
            "matmulShared", "softmax", "softmaxBackward", "layerNorm", "layerNormBackward", "rmsNorm", "rmsNormBackward",
            "rope", "attention", "attentionBackward", "indexSelect", "indexAdd", "crossEntropy", "crossEntropyBackward",
            "adamw");

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Set<String> nativeOps() {
        return NATIVE;
    }

    private static boolean f32(Tensor... ts) {
        return CpuElementwise.allF32(ts);
    }

    private static boolean f32Contiguous(Tensor t) {
        return t != null && t.dtype() == DType.F32 && t.isContiguous();
    }

    /** Null-safe check for optional operands (weights, biases). */
    private static boolean optionalF32Contiguous(Tensor t) {
        return t == null || f32Contiguous(t);
    }

    private static MemorySegment seg(Tensor t) {
        return t == null ? null : t.segment();
    }

    private static long off(Tensor t) {
        return t == null ? 0 : t.offset();
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        if (f32(out) && CpuElementwise.isFloat(x)) {
            CpuElementwise.unary(op, CpuElementwise.asF32(x), out);
        } else {
            super.unary(op, x, out);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (f32(out) && CpuElementwise.isFloat(a) && CpuElementwise.isFloat(b) && VectorMath.vectorizable(op)) {
            CpuElementwise.binary(op, CpuElementwise.asF32(a), CpuElementwise.asF32(b), out);
        } else {
            super.binary(op, a, b, out);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!CpuElementwise.copy(src, dst)) {
            super.copy(src, dst);
        }
    }

    @Override
    public void fill(Tensor out, double value) {
        if (out.dtype() == DType.F32) {
            CpuElementwise.fill(out, (float) value);
        } else if (value == 0 && out.isContiguous()) {
            long bytes = (long) out.numel() * out.dtype().byteSize();
            out.segment().asSlice((long) out.offset() * out.dtype().byteSize(), bytes).fill((byte) 0);
        } else {
            super.fill(out, value);
        }
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        if (!f32(x, out) || op == ReduceOp.PROD || x.numel() == 0) {
            super.reduce(op, x, dims, out);
            return;
        }
        // move the reduced dims last, make rows contiguous, reduce each row
        int rank = x.rank();
        int[] perm = new int[rank];
        int p = 0;
        for (int d = 0; d < rank; d++) {
            if (java.util.Arrays.binarySearch(dims, d) < 0) {
                perm[p++] = d;
            }
        }
        int rowLen = 1;
        for (int d : dims) {
            perm[p++] = d;
            rowLen *= x.size(d);
        }
        Tensor moved = x.detach().permute(perm);
        Tensor rowsT = moved.isContiguous() ? moved : Tensor.empty(DType.F32, moved.shape());
        if (rowsT != moved) {
            copy(moved, rowsT);
        }
        MemorySegment xs = rowsT.segment();
        MemorySegment os = out.segment();
        long base = rowsT.offset();
        int rows = out.numel();
        int n = rowLen;
        Parallel.parallelRange(rows, CpuNormKernels.grain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                long ro = base + (long) r * n;
                float v = switch (op) {
                    case SUM -> Rows.sum(xs, ro, n);
                    case MAX -> Rows.max(xs, ro, n);
                    case MIN -> Rows.min(xs, ro, n);
                    case PROD -> throw new IllegalStateException();
                };
                os.setAtIndex(Rows.F, out.offset() + r, v);
            }
        });
        if (rowsT != moved) {
            rowsT.release();
        }
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        ElementType bType = elementType(b.dtype());
        if (a.dtype() != DType.F32 || out.dtype() != DType.F32 || bType == null || !out.isContiguous()) {
            super.matmul(a, b, out);
            return;
        }
        int r = out.rank();
        int m = out.size(r - 2);
        int n = out.size(r - 1);
        int k = a.size(r - 1);
        int[] as = a.strides();
        int[] bs = b.strides();
        int batch = Shape.numel(java.util.Arrays.copyOf(out.shape(), r - 2));
        if (r == 2) {
            Sgemm.sgemm(m, n, k, 1f, a.segment(), a.offset(), as[0], as[1], b.segment(), bType, b.offset(), bs[0],
                    bs[1], 0f, out.segment(), out.offset(), n);
            return;
        }
        // batch dims: coalesce into one when possible, else loop over the outer ones
        RowLoop batches = new RowLoop(java.util.Arrays.copyOf(out.shape(), r - 2),
                new int[][]{java.util.Arrays.copyOf(as, r - 2), java.util.Arrays.copyOf(bs, r - 2),
                        java.util.Arrays.copyOf(out.strides(), r - 2)},
                new int[]{a.offset(), b.offset(), out.offset()});
        int inner = batches.rowLength;
        int sa = batches.innerStride(0);
        int sb = batches.innerStride(1);
        int so = batches.innerStride(2);
        MemorySegment aSeg = a.segment();
        MemorySegment bSeg = b.segment();
        MemorySegment oSeg = out.segment();
        if (batch == 0) {
            return;
        }
        // sgemm parallelises internally; walk the (coalesced) outer batch rows on this thread
        batches.runSerial((off, len) -> Sgemm.sgemmBatched(inner, m, n, k, 1f, aSeg, off[0], sa, as[r - 2], as[r - 1],
                bSeg, bType, off[1], sb, bs[r - 2], bs[r - 1], 0f, oSeg, off[2], so, n));
    }

    /** A single row against row-major weights of one type (each b[i] = W.mT()) runs as one {@link Gemv#gemvShared}. */
    @Override
    public void matmulShared(Tensor a, Tensor[] b, Tensor[] out) {
        ElementType type = sharedGemvType(a, b, out);
        if (type == null) {
            super.matmulShared(a, b, out);
            return;
        }
        Gemv.SharedWeight[] weights = new Gemv.SharedWeight[b.length];
        for (int i = 0; i < b.length; i++) {
            weights[i] = new Gemv.SharedWeight(b[i].size(1), b[i].segment(), b[i].offset(), b[i].strides()[1],
                    out[i].segment(), out[i].offset());
        }
        Gemv.gemvShared(a.size(1), a.segment(), a.offset(), a.strides()[1], type, weights);
    }

    /** The weights' element type when every product of {@link #matmulShared} is such a GEMV; null otherwise. */
    private static ElementType sharedGemvType(Tensor a, Tensor[] b, Tensor[] out) {
        if (a.rank() != 2 || a.size(0) != 1 || a.dtype() != DType.F32) {
            return null;
        }
        ElementType type = null;
        for (int i = 0; i < b.length; i++) {
            ElementType t = elementType(b[i].dtype());
            if (t == null || (type != null && t != type) || b[i].rank() != 2 || b[i].strides()[0] != 1
                    || out[i].dtype() != DType.F32 || !out[i].isContiguous()) {
                return null;
            }
            type = t;
        }
        return type;
    }

    /** The kernels' name for a weight dtype they read directly; null for the others. */
    private static ElementType elementType(DType dtype) {
        return switch (dtype) {
            case F32 -> ElementType.F32;
            case BF16 -> ElementType.BF16;
            case F16 -> ElementType.F16;
            default -> null;
        };
    }

    @Override
    public void softmax(Tensor x, Tensor out, boolean log) {
        if (f32Contiguous(x) && f32Contiguous(out)) {
            CpuNormKernels.softmax(x.segment(), x.offset(), out.segment(), out.offset(), x.size(0), x.size(1), log);
        } else {
            super.softmax(x, out, log);
        }
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log) {
        if (f32Contiguous(y) && f32Contiguous(gy) && f32Contiguous(gx) && gx.offset() == 0) {
            CpuNormKernels.softmaxBackward(y.segment(), y.offset(), gy.segment(), gy.offset(), gx.segment(),
                    y.size(0), y.size(1), log);
        } else {
            super.softmaxBackward(y, gy, gx, log);
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        if (f32Contiguous(x) && f32Contiguous(out) && optionalF32Contiguous(weight) && optionalF32Contiguous(bias)) {
            CpuNormKernels.layerNorm(x.segment(), x.offset(), seg(weight), off(weight), seg(bias), off(bias),
                    (float) eps, out.segment(), mean.segment(), rstd.segment(), x.size(0), x.size(1));
        } else {
            super.layerNorm(x, weight, bias, eps, out, mean, rstd);
        }
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gy, Tensor gx,
                                  Tensor gWeight, Tensor gBias) {
        if (f32Contiguous(x) && f32Contiguous(gy) && f32Contiguous(gx) && optionalF32Contiguous(weight)) {
            normBackward(true, x, weight, mean, rstd, gy, gx, gWeight, gBias);
        } else {
            super.layerNormBackward(x, weight, mean, rstd, gy, gx, gWeight, gBias);
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, double eps, Tensor out, Tensor rstd) {
        if (f32Contiguous(x) && f32Contiguous(out) && optionalF32Contiguous(weight)) {
            CpuNormKernels.rmsNorm(x.segment(), x.offset(), seg(weight), off(weight), (float) eps, out.segment(),
                    rstd.segment(), x.size(0), x.size(1));
        } else {
            super.rmsNorm(x, weight, eps, out, rstd);
        }
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor weight, Tensor rstd, Tensor gy, Tensor gx, Tensor gWeight) {
        if (f32Contiguous(x) && f32Contiguous(gy) && f32Contiguous(gx) && optionalF32Contiguous(weight)) {
            normBackward(false, x, weight, null, rstd, gy, gx, gWeight, null);
        } else {
            super.rmsNormBackward(x, weight, rstd, gy, gx, gWeight);
        }
    }

    private void normBackward(boolean layer, Tensor x, Tensor w, Tensor mean, Tensor rstd, Tensor gy, Tensor gx,
                              Tensor gWeight, Tensor gBias) {
        int n = x.size(1);
        float[] gw = gWeight == null ? null : new float[n];
        float[] gb = gBias == null ? null : new float[n];
        CpuNormKernels.normBackward(layer, x.segment(), x.offset(), seg(w), off(w), seg(mean), rstd.segment(),
                gy.segment(), gy.offset(), gx.segment(), gw, gb, x.size(0), n);
        if (gw != null) {
            MemorySegment.copy(gw, 0, gWeight.segment(), Rows.F, 0, n);
        }
        if (gb != null) {
            MemorySegment.copy(gb, 0, gBias.segment(), Rows.F, 0, n);
        }
    }

    @Override
    public void rope(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean backward) {
        if (CpuRope.supported(x, cos, sin) && f32Contiguous(out)) {
            CpuRope.apply(x, cos, sin, out, backward);
        } else {
            super.rope(x, cos, sin, out, backward);
        }
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out, Tensor lse) {
        if (CpuAttention.supported(q, k, v, mask) && f32Contiguous(out)) {
            CpuAttention.forward(q, k, v, mask, causal, (float) scale, out, lse);
        } else {
            super.attention(q, k, v, mask, causal, scale, out, lse);
        }
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out,
                                  Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        if (CpuAttention.supported(q, k, v, mask) && f32(out, gOut) && out.stride(3) == 1 && gOut.stride(3) == 1
                && f32Contiguous(gq) && f32Contiguous(gk) && f32Contiguous(gv)) {
            fill(gk, 0);
            fill(gv, 0);
            CpuAttention.backward(q, k, v, mask, causal, (float) scale, out, lse, gOut, gq, gk, gv);
        } else {
            super.attentionBackward(q, k, v, mask, causal, scale, out, lse, gOut, gq, gk, gv);
        }
    }

    @Override
    public void indexSelect(Tensor src, int dim, Tensor index, Tensor out) {
        if (dim != 0 || !src.isContiguous() || src.dtype() != out.dtype()) {
            super.indexSelect(src, dim, index, out);
            return;
        }
        long[] ids = index.toLongArray();
        int rows = src.size(0);
        long rowBytes = (long) (src.numel() / Math.max(rows, 1)) * src.dtype().byteSize();
        MemorySegment s = src.segment();
        MemorySegment o = out.segment();
        long srcBase = (long) src.offset() * src.dtype().byteSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= rows) {
                throw new IndexOutOfBoundsException("index " + ids[i] + " out of range for dimension 0 of size " + rows);
            }
            MemorySegment.copy(s, srcBase + ids[i] * rowBytes, o, i * rowBytes, rowBytes);
        }
    }

    @Override
    public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        if (dim != 0 || !f32Contiguous(dst) || !f32Contiguous(src)) {
            super.indexAdd(dst, dim, index, src);
            return;
        }
        long[] ids = index.toLongArray();
        int rows = dst.size(0);
        int rowLen = dst.numel() / Math.max(rows, 1);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= rows) {
                throw new IndexOutOfBoundsException("index " + ids[i] + " out of range for dimension 0 of size " + rows);
            }
            Rows.axpy(1f, src.segment(), src.offset() + (long) i * rowLen, dst.segment(),
                    dst.offset() + ids[i] * rowLen, rowLen);
        }
    }

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, Tensor loss, Tensor lse) {
        if (f32Contiguous(logits)) {
            long[] t = targets.toLongArray();
            checkTargets(t, ignoreIndex, logits.size(1));
            CpuLossKernels.crossEntropy(logits.segment(), logits.offset(), t, ignoreIndex, loss.segment(),
                    lse.segment(), logits.size(0), logits.size(1));
        } else {
            super.crossEntropy(logits, targets, ignoreIndex, loss, lse);
        }
    }

    private static void checkTargets(long[] t, long ignore, int v) {
        for (long x : t) {
            if (x != ignore && (x < 0 || x >= v)) {
                throw new IndexOutOfBoundsException("cross_entropy target " + x + " outside [0, " + v + ")");
            }
        }
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, long ignoreIndex, Tensor lse, Tensor gLoss,
                                     Tensor gLogits) {
        if (f32Contiguous(logits) && f32Contiguous(gLogits)) {
            long[] t = targets.toLongArray();
            checkTargets(t, ignoreIndex, logits.size(1));
            CpuLossKernels.crossEntropyBackward(logits.segment(), logits.offset(), t, ignoreIndex, lse.segment(),
                    gLoss.toFloatArray(), gLogits.segment(), logits.size(0), logits.size(1));
        } else {
            super.crossEntropyBackward(logits, targets, ignoreIndex, lse, gLoss, gLogits);
        }
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, long step) {
        if (f32Contiguous(param) && f32Contiguous(grad) && f32Contiguous(m) && f32Contiguous(v)
                && m.offset() == 0 && v.offset() == 0) {
            CpuLossKernels.adamw(param.segment(), param.offset(), grad.segment(), grad.offset(), m.segment(),
                    v.segment(), param.numel(), lr, beta1, beta2, eps, weightDecay, step);
        } else {
            super.adamw(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
        }
    }
}
