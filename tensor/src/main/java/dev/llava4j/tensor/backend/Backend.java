package dev.llava4j.tensor.backend;

import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.HostStorage;
import dev.llava4j.tensor.Storage;
import dev.llava4j.tensor.Tensor;

/**
 * The kernel SPI: a small set of primitives plus the fused kernels that performance needs. The frontend
 * ({@link Tensor} and {@code dev.llava4j.tensor.ops}) does shape checks, broadcasting, output allocation and
 * autograd; a backend only computes. Conventions for every method:
 * <ul>
 *   <li>inputs may be arbitrary strided views (including stride-0 broadcast views) unless stated otherwise;</li>
 *   <li>outputs are freshly allocated, contiguous and of the documented shape and dtype;</li>
 *   <li>floating math is done in at least float32 whatever the storage dtype (BF16/F16 are converted on load).</li>
 * </ul>
 * Backends register through {@link java.util.ServiceLoader}; the one with the highest {@link #priority()} for a
 * device is used (see {@link Backends}).
 */
public interface Backend {
    String name();

    Device device();

    /** Higher wins when several backends serve one device. The reference backend has priority 0. */
    int priority();

    /** Names of SPI methods this backend implements natively (not by delegating to the reference path). */
    java.util.Set<String> nativeOps();

    /**
     * Memory for a new tensor on this backend's device; the contents are unspecified (callers that need zeros use
     * {@link Tensor#zeros(Device, dev.llava4j.tensor.DType, int...)}). The frontend
     * ({@link Tensor#empty(Device, dev.llava4j.tensor.DType, int...)}) calls this only for devices other than the
     * CPU and registers the storage with the open {@link dev.llava4j.tensor.TensorScope} itself, so an implementation
     * must not. CPU tensors keep their direct {@link HostStorage} path, which is why host backends need not override.
     */
    default Storage allocate(long bytes) {
        if (device() != Device.CPU) {
            throw new UnsupportedOperationException("backend '" + name() + "' serves " + device()
                    + " but does not implement Backend.allocate, so no tensor can be created there");
        }
        return HostStorage.allocate(bytes);
    }

    /**
     * Waits until every operation this thread issued has finished. Host backends compute synchronously (nothing to
     * do); a GPU backend launches asynchronously, so timing an op needs this after it.
     */
    default void synchronize() {
    }

    /** out = op(x); x has out's shape. */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** out = op(a, b); a and b are broadcast views with out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond ? a : b (cond is BOOL/U8 or any numeric, non-zero = true); all views have out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /** dst = src with dtype conversion; same shape; dst may be a strided view (this is how in-place copies work). */
    void copy(Tensor src, Tensor dst);

    /** Every element of out (possibly a strided view) = value. */
    void fill(Tensor out, double value);

    /** out (x's shape with the reduced dims of size 1) = reduction of x over {@code dims}. */
    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out);

    /** values/indices (x's shape with {@code dim} of size 1) = max (or min) of x along dim and its first index (I64). */
    void argReduce(boolean max, Tensor x, int dim, Tensor values, Tensor indices);

    /**
     * out[..., M, N] = a[..., M, K] · b[..., K, N]; a and b have out's batch shape (stride-0 where broadcast) and any
     * strides (a transposed operand is a permuted view); b may be BF16/F16 while a is F32.
     */
    void matmul(Tensor a, Tensor b, Tensor out);

    /**
     * out[i] = a · b[i] for every i, each as in {@link #matmul} with 2-d operands: products of one input with several
     * weights (a layer's q/k/v or gate/up projections). One call lets a backend run them as one parallel job; by
     * default they run one after another.
     */
    default void matmulShared(Tensor a, Tensor[] b, Tensor[] out) {
        for (int i = 0; i < b.length; i++) {
            matmul(a, b[i], out[i]);
        }
    }

    /** Softmax (or log-softmax) over the last dimension; x is contiguous [rows, n]. */
    void softmax(Tensor x, Tensor out, boolean log);

    /** gx from the forward output y and the upstream gradient gy (all contiguous [rows, n]). */
    void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log);

    /** LayerNorm over the last dim of contiguous x [rows, n]; weight/bias [n] may be null; mean/rstd [rows] F32. */
    void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd);

    /** gx [rows,n]; gWeight/gBias [n] F32 (null when not needed). */
    void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gy, Tensor gx, Tensor gWeight,
                           Tensor gBias);

    /** LLaMA RMSNorm: out = weight * x / sqrt(mean(x^2) + eps) over the last dim; weight may be null; rstd [rows] F32. */
    void rmsNorm(Tensor x, Tensor weight, double eps, Tensor out, Tensor rstd);

    void rmsNormBackward(Tensor x, Tensor weight, Tensor rstd, Tensor gy, Tensor gx, Tensor gWeight);

    /**
     * Rotary embedding, rotate-half convention: x [B, H, T, D] (any strides), cos/sin broadcastable [B, 1, T, D]
     * views. Forward: out = x*cos + rotate_half(x)*sin. Backward (transpose): out = the gradient w.r.t. x given x = gy.
     */
    void rope(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean backward);

    /**
     * Scaled dot-product attention. q [B, H, Tq, D], k/v [B, Hkv, Tk, D] with H % Hkv == 0 (grouped heads);
     * mask null or an additive float mask broadcastable to [B, H, Tq, Tk] (-inf = masked); causal masks key j > i +
     * (Tk - Tq). out [B, H, Tq, D]; lse [B, H, Tq] F32 = log-sum-exp of the scaled, masked scores (for backward).
     */
    void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out, Tensor lse);

    void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out,
                           Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv);

    /** out = src.index_select(dim, index); index is a 1-d I64/I32 tensor. */
    void indexSelect(Tensor src, int dim, Tensor index, Tensor out);

    /** dst.index_add_(dim, index, src): dst (contiguous) accumulates rows of src at the given indices. */
    void indexAdd(Tensor dst, int dim, Tensor index, Tensor src);

    /** out = torch.gather(src, dim, index). */
    void gather(Tensor src, int dim, Tensor index, Tensor out);

    /** dst.scatter_add_(dim, index, src): dst is contiguous. */
    void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src);

    /**
     * Cross-entropy per row: logits [N, V] contiguous, targets [N] integer. loss[N] F32 = lse - logit[target] (0 where
     * target == ignoreIndex), lse [N] F32.
     */
    void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, Tensor loss, Tensor lse);

    /** gLogits[N, V] = scale[row] * (softmax(logits) - onehot(target)), 0 on ignored rows; gLoss [N] upstream per row. */
    void crossEntropyBackward(Tensor logits, Tensor targets, long ignoreIndex, Tensor lse, Tensor gLoss, Tensor gLogits);

    /**
     * One torch.optim.AdamW step in place on contiguous F32 param, m, v with gradient grad (any float dtype):
     * p -= lr*wd*p; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps).
     */
    void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
               double weightDecay, long step);
}
