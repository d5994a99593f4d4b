package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Storage;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.ReduceOp;
import dev.llava4j.tensor.backend.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Backend SPI on an NVIDIA GPU: every method launches kernels from the NVRTC-compiled modules (or cuBLAS for
 * matmul) on the context's stream and returns without waiting; results are final once a host copy
 * ({@link CudaTensors#toHost}) or {@link CudaTensors#synchronize()} returns. All tensors must live on the GPU,
 * except that {@link #copy} also moves data between host and device.
 *
 * <p>Constructing the backend touches no driver: {@link java.util.ServiceLoader} instantiates it on every
 * machine, and the driver is probed only when a CUDA tensor is first used.
 */
public final class CudaBackend implements Backend {
    private static final Set<String> NATIVE_OPS = Set.of("unary", "binary", "where", "copy", "fill", "reduce",
            "argReduce", "matmul", "softmax", "softmaxBackward", "layerNorm", "layerNormBackward", "rmsNorm",
            "rmsNormBackward", "rope", "attention", "attentionBackward", "indexSelect", "indexAdd", "gather",
            "scatterAdd", "crossEntropy", "crossEntropyBackward", "adamw");
    private static final int ATT_WARPS = 4;
    private static final int ATT_TILE = 32;
    private static final int ATT_MAX_D = 256;

    private CudaMatmul matmul;

    public CudaBackend() {
        // nothing: the driver is touched on first use (see class comment)
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public void synchronize() {
        CudaTensors.synchronize();
    }

    @Override
    public Set<String> nativeOps() {
        return NATIVE_OPS;
    }

    private static CudaContext ctx() {
        return CudaContext.get();
    }

    /**
     * Uninitialised device memory from the context's caching allocator for {@code Tensor.empty(Device.CUDA, ...)};
     * the frontend registers it with the open TensorScope. Without a GPU this throws the probe's
     * {@link CudaUnavailableException}.
     */
    @Override
    public Storage allocate(long bytes) {
        return CudaStorage.allocate(ctx(), bytes);
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        Layouts.Coalesced l = Layouts.coalesce(out.shape(), x.strides(), out.strides());
        String kernel = KernelCodes.needsDouble(x.dtype(), out.dtype()) ? "unary_f64" : "unary_f32";
        try (KernelArgs a = new KernelArgs()) {
            a.i32(KernelCodes.unary(op)).i64(out.numel()).dims(l.shape())
                    .tensor(x).strides(l.strides()[0]).tensor(out).strides(l.strides()[1]);
            ctx().launchElements("elementwise", kernel, out.numel(), a);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Layouts.Coalesced l = Layouts.coalesce(out.shape(), a.strides(), b.strides(), out.strides());
        String kernel = KernelCodes.needsDouble(a.dtype(), b.dtype(), out.dtype()) ? "binary_f64" : "binary_f32";
        try (KernelArgs args = new KernelArgs()) {
            args.i32(KernelCodes.binary(op)).i64(out.numel()).dims(l.shape()).tensor(a).strides(l.strides()[0])
                    .tensor(b).strides(l.strides()[1]).tensor(out).strides(l.strides()[2]);
            ctx().launchElements("elementwise", kernel, out.numel(), args);
        }
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        Layouts.Coalesced l = Layouts.coalesce(out.shape(), cond.strides(), a.strides(), b.strides(), out.strides());
        String kernel = KernelCodes.needsDouble(a.dtype(), b.dtype(), out.dtype()) ? "where_f64" : "where_f32";
        try (KernelArgs args = new KernelArgs()) {
            args.i64(out.numel()).dims(l.shape()).tensor(cond).strides(l.strides()[0]).tensor(a).strides(l.strides()[1])
                    .tensor(b).strides(l.strides()[2]).tensor(out).strides(l.strides()[3]);
            ctx().launchElements("elementwise", kernel, out.numel(), args);
        }
    }

    /** Also the host/device bridge: either side may be a CPU tensor (the other then must be on the GPU). */
    @Override
    public void copy(Tensor src, Tensor dst) {
        boolean srcOnGpu = src.storage() instanceof CudaStorage;
        boolean dstOnGpu = dst.storage() instanceof CudaStorage;
        if (!srcOnGpu && !dstOnGpu) {
            throw new IllegalArgumentException("the CUDA backend was asked to copy between two CPU tensors");
        }
        if (!srcOnGpu) {
            Tensor up = CudaTensors.toDevice(src);
            try {
                copy(up, dst);
            } finally {
                up.release();
            }
            return;
        }
        if (!dstOnGpu) {
            Tensor down = CudaTensors.toHost(src);
            try {
                Backends.forDevice(Device.CPU).copy(down, dst);
            } finally {
                down.release();
            }
            return;
        }
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            ctx().copyDeviceToDevice(CudaStorage.address(src), CudaStorage.address(dst),
                    (long) dst.numel() * dst.dtype().byteSize());
            return;
        }
        Layouts.Coalesced l = Layouts.coalesce(dst.shape(), src.strides(), dst.strides());
        String kernel = !src.dtype().isFloating() && !dst.dtype().isFloating() ? "copy_int" : "copy_float";
        try (KernelArgs args = new KernelArgs()) {
            args.i64(dst.numel()).dims(l.shape()).tensor(src).strides(l.strides()[0]).tensor(dst).strides(l.strides()[1]);
            ctx().launchElements("elementwise", kernel, dst.numel(), args);
        }
    }

    @Override
    public void fill(Tensor out, double value) {
        Layouts.Coalesced l = Layouts.coalesce(out.shape(), out.strides());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(out.numel()).dims(l.shape()).tensor(out).strides(l.strides()[0]).f64(value);
            ctx().launchElements("elementwise", "fill", out.numel(), args);
        }
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        for (int d : dims) {
            reduced[d < 0 ? d + rank : d] = true;
        }
        List<Integer> kept = new ArrayList<>();
        List<Integer> gone = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            (reduced[d] ? gone : kept).add(d);
        }
        int[] keptPos = kept.stream().mapToInt(Integer::intValue).toArray();
        int[] gonePos = gone.stream().mapToInt(Integer::intValue).toArray();
        Layouts.Coalesced outer = Layouts.coalesce(Layouts.pick(x.shape(), keptPos), Layouts.pick(x.strides(), keptPos));
        Layouts.Coalesced inner = Layouts.coalesce(Layouts.pick(x.shape(), gonePos), Layouts.pick(x.strides(), gonePos));
        long outerN = out.numel();
        long innerN = outerN == 0 ? 0 : x.numel() / Math.max(1, outerN);
        if (x.numel() == 0) {
            innerN = 0;
        }
        long innerCount = innerN;
        String kernel = KernelCodes.needsDouble(x.dtype(), out.dtype()) ? "reduce_f64" : "reduce_f32";
        withContiguous(out, o -> {
            try (KernelArgs args = new KernelArgs()) {
                args.i32(KernelCodes.reduce(op)).i64(outerN).dims(outer.shape()).strides(outer.strides()[0])
                        .i64(innerCount).dims(inner.shape()).strides(inner.strides()[0]).tensor(x).tensor(o);
                launchBlocks("reduce", kernel, outerN, CudaContext.threadsFor(innerCount), args);
            }
        });
    }

    @Override
    public void argReduce(boolean max, Tensor x, int dim, Tensor values, Tensor indices) {
        int rank = x.rank();
        int d0 = dim < 0 ? dim + rank : dim;
        int len = x.shape()[d0];
        if (len == 0 && values.numel() > 0) {
            throw new IllegalArgumentException((max ? "max" : "min") + " over dimension " + d0 + " of size 0");
        }
        int[] keptPos = new int[rank - 1];
        for (int d = 0, j = 0; d < rank; d++) {
            if (d != d0) {
                keptPos[j++] = d;
            }
        }
        Layouts.Coalesced outer = Layouts.coalesce(Layouts.pick(x.shape(), keptPos), Layouts.pick(x.strides(), keptPos));
        long outerN = values.numel();
        withContiguous(values, v -> withContiguous(indices, ix -> {
            try (KernelArgs args = new KernelArgs()) {
                args.i32(max ? 1 : 0).i64(outerN).dims(outer.shape()).strides(outer.strides()[0]).i32(len)
                        .i32(x.strides()[d0]).tensor(x).tensor(v).tensor(ix);
                launchBlocks("reduce", "arg_reduce", outerN, CudaContext.threadsFor(len), args);
            }
        }));
    }

    // ------------------------------------------------------------------ matmul

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        CudaMatmul m;
        synchronized (this) {
            if (matmul == null) {
                matmul = new CudaMatmul(ctx(), this);
            }
            m = matmul;
        }
        m.matmul(a, b, out);
    }

    // ------------------------------------------------------------------ fused row kernels

    @Override
    public void softmax(Tensor x, Tensor out, boolean log) {
        Tensor xc = contiguousInput(x);
        try (KernelArgs args = new KernelArgs()) {
            args.i64(xc.shape()[0]).i32(xc.shape()[1]).tensor(xc).tensor(out).i32(log ? 1 : 0);
            ctx().launchRows("softmax", "softmax_fwd", xc.shape()[0], xc.shape()[1], args);
        } finally {
            releaseIfCopy(xc, x);
        }
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log) {
        Tensor yc = contiguousInput(y);
        Tensor gc = contiguousInput(gy);
        try (KernelArgs args = new KernelArgs()) {
            args.i64(yc.shape()[0]).i32(yc.shape()[1]).tensor(yc).tensor(gc).tensor(gx).i32(log ? 1 : 0);
            ctx().launchRows("softmax", "softmax_bwd", yc.shape()[0], yc.shape()[1], args);
        } finally {
            releaseIfCopy(yc, y);
            releaseIfCopy(gc, gy);
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        Tensor xc = contiguousInput(x);
        int rows = xc.shape()[0];
        int n = xc.shape()[1];
        try (KernelArgs args = new KernelArgs()) {
            args.i64(rows).i32(n).tensor(xc).tensor(weight).i32(vecStride(weight)).tensor(bias).i32(vecStride(bias))
                    .f32(eps).tensor(out).tensor(mean).tensor(rstd);
            ctx().launchRows("norms", "layernorm_fwd", rows, n, args);
        } finally {
            releaseIfCopy(xc, x);
        }
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gy, Tensor gx,
                                  Tensor gWeight, Tensor gBias) {
        Tensor xc = contiguousInput(x);
        Tensor gc = contiguousInput(gy);
        int rows = xc.shape()[0];
        int n = xc.shape()[1];
        try {
            try (KernelArgs args = new KernelArgs()) {
                args.i64(rows).i32(n).tensor(xc).tensor(weight).i32(vecStride(weight)).tensor(mean).tensor(rstd)
                        .tensor(gc).tensor(gx);
                ctx().launchRows("norms", "layernorm_bwd_dx", rows, n, args);
            }
            if (gWeight != null || gBias != null) {
                columnSums(rows, n, xc, mean, rstd, gc, gWeight, gBias, false);
            }
        } finally {
            releaseIfCopy(xc, x);
            releaseIfCopy(gc, gy);
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, double eps, Tensor out, Tensor rstd) {
        Tensor xc = contiguousInput(x);
        int rows = xc.shape()[0];
        int n = xc.shape()[1];
        try (KernelArgs args = new KernelArgs()) {
            args.i64(rows).i32(n).tensor(xc).tensor(weight).i32(vecStride(weight)).f32(eps).tensor(out).tensor(rstd);
            ctx().launchRows("norms", "rmsnorm_fwd", rows, n, args);
        } finally {
            releaseIfCopy(xc, x);
        }
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor weight, Tensor rstd, Tensor gy, Tensor gx, Tensor gWeight) {
        Tensor xc = contiguousInput(x);
        Tensor gc = contiguousInput(gy);
        int rows = xc.shape()[0];
        int n = xc.shape()[1];
        try {
            try (KernelArgs args = new KernelArgs()) {
                args.i64(rows).i32(n).tensor(xc).tensor(weight).i32(vecStride(weight)).tensor(rstd).tensor(gc)
                        .tensor(gx);
                ctx().launchRows("norms", "rmsnorm_bwd_dx", rows, n, args);
            }
            if (gWeight != null) {
                columnSums(rows, n, xc, null, rstd, gc, gWeight, null, true);
            }
        } finally {
            releaseIfCopy(xc, x);
            releaseIfCopy(gc, gy);
        }
    }

    /** Weight/bias gradients: sums over rows, one 32x8 block per 32 columns. */
    private void columnSums(int rows, int n, Tensor x, Tensor mean, Tensor rstd, Tensor gy, Tensor gw, Tensor gb,
                            boolean rms) {
        try (KernelArgs args = new KernelArgs()) {
            args.i64(rows).i32(n).tensor(x).tensor(mean).tensor(rstd).tensor(gy).tensor(gw).tensor(gb).i32(rms ? 1 : 0);
            ctx().launch("norms", "norm_bwd_dwdb", (n + 31) / 32, 1, 1, 32, 8, 1, 0, args);
        }
    }

    @Override
    public void rope(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean backward) {
        if (x.rank() != 4 || cos.rank() != 4 || sin.rank() != 4) {
            throw new IllegalArgumentException("rope expects 4-d x/cos/sin, got ranks " + x.rank() + "/" + cos.rank()
                    + "/" + sin.rank());
        }
        try (KernelArgs args = new KernelArgs()) {
            args.i64(out.numel()).dims(x.shape()).tensor(x).strides(x.strides())
                    .tensor(cos).strides(Layouts.broadcastStrides(cos.shape(), cos.strides()))
                    .tensor(sin).strides(Layouts.broadcastStrides(sin.shape(), sin.strides()))
                    .tensor(out).strides(out.strides()).i32(backward ? 1 : 0);
            ctx().launchElements("rope", "rope", out.numel(), args);
        }
    }

    // ------------------------------------------------------------------ attention

    /** struct AttnShape in attention.cu. */
    private static int[] attnShape(Tensor q, Tensor k, Tensor v, boolean causal) {
        int d = q.size(3);
        int dv = v.size(3);
        if (d > ATT_MAX_D || dv > ATT_MAX_D) {
            throw new UnsupportedOperationException("CUDA attention supports head dims up to " + ATT_MAX_D + ", got "
                    + d + " / " + dv);
        }
        return new int[]{q.size(0), q.size(1), k.size(1), q.size(2), k.size(2), d, dv, causal ? 1 : 0};
    }

    private static int[] maskStrides(Tensor mask) {
        if (mask == null) {
            return new int[4];
        }
        if (mask.rank() != 4) {
            throw new IllegalArgumentException("attention mask must be a 4-d view [B, H, Tq, Tk], got rank " + mask.rank());
        }
        return Layouts.broadcastStrides(mask.shape(), mask.strides());
    }

    private static KernelArgs attnInputs(KernelArgs args, Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal,
                                         double scale) {
        return args.struct(attnShape(q, k, v, causal)).f32(scale).tensor(q).strides(q.strides()).tensor(k)
                .strides(k.strides()).tensor(v).strides(v.strides()).tensor(mask).strides(maskStrides(mask));
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out, Tensor lse) {
        if (out.numel() == 0) {
            return;
        }
        int d = q.size(3);
        int dv = v.size(3);
        requireContiguous(lse, "attention lse");
        int shared = 4 * (ATT_TILE * (d + 1) + ATT_TILE * dv + ATT_WARPS * d);
        try (KernelArgs args = new KernelArgs()) {
            attnInputs(args, q, k, v, mask, causal, scale).tensor(out).strides(out.strides()).tensor(lse);
            ctx().launch("attention", "attn_fwd", ceilDiv(q.size(2), ATT_WARPS), q.size(1), q.size(0), 32 * ATT_WARPS,
                    1, 1, shared, args);
        }
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out,
                                  Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        int b = q.size(0);
        int h = q.size(1);
        int tq = q.size(2);
        int d = q.size(3);
        int dv = v.size(3);
        requireContiguous(lse, "attention lse");
        if (gq.numel() == 0 && gk.numel() == 0) {
            return;
        }
        long rows = (long) b * h * tq;
        Tensor delta = CudaTensors.empty(DType.F32, (int) Math.max(1, rows));
        try {
            try (KernelArgs args = new KernelArgs()) {
                args.struct(attnShape(q, k, v, causal)).tensor(out).strides(out.strides()).tensor(gOut)
                        .strides(gOut.strides()).ptr(CudaStorage.address(delta));
                int warpsPerBlock = 8;
                ctx().launch("attention", "attn_bwd_delta", (int) Math.max(1, ceilDiv(rows, warpsPerBlock)), 1, 1,
                        32 * warpsPerBlock, 1, 1, 0, args);
            }
            try (KernelArgs args = new KernelArgs()) {
                attnInputs(args, q, k, v, mask, causal, scale).tensor(gOut).strides(gOut.strides()).tensor(lse)
                        .ptr(CudaStorage.address(delta)).tensor(gq).strides(gq.strides());
                int shared = 4 * (ATT_TILE * (d + 1) + ATT_TILE * (dv + 1) + ATT_WARPS * (d + dv));
                ctx().launch("attention", "attn_bwd_dq", Math.max(1, ceilDiv(tq, ATT_WARPS)), h, b, 32 * ATT_WARPS, 1,
                        1, shared, args);
            }
            try (KernelArgs args = new KernelArgs()) {
                attnInputs(args, q, k, v, mask, causal, scale).tensor(gOut).strides(gOut.strides()).tensor(lse)
                        .ptr(CudaStorage.address(delta)).tensor(gk).strides(gk.strides()).tensor(gv).strides(gv.strides());
                int shared = 4 * (ATT_TILE * (d + 1) + ATT_TILE * (dv + 1) + ATT_WARPS * (d + dv) + 2 * ATT_TILE);
                ctx().launch("attention", "attn_bwd_dkv", Math.max(1, ceilDiv(k.size(2), ATT_WARPS)), k.size(1), b,
                        32 * ATT_WARPS, 1, 1, shared, args);
            }
        } finally {
            delta.release();
        }
    }

    // ------------------------------------------------------------------ indexing

    @Override
    public void indexSelect(Tensor src, int dim, Tensor index, Tensor out) {
        int d = normalize(dim, src.rank());
        requireIndex1d(index, "index_select");
        withContiguous(out, o -> {
            try (KernelArgs args = new KernelArgs()) {
                args.i64(o.numel()).dims(o.shape()).i32(d).tensor(src).strides(src.strides()).i32(src.shape()[d])
                        .tensor(index).i32(index.strides()[0]).tensor(o).ptr(ctx().errorRecord());
                ctx().launchElements("indexing", "index_select", o.numel(), args);
            }
        });
    }

    @Override
    public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        int d = normalize(dim, dst.rank());
        requireIndex1d(index, "index_add");
        requireAtomicType(dst, "index_add");
        try (KernelArgs args = new KernelArgs()) {
            args.i64(src.numel()).dims(src.shape()).i32(d).tensor(src).strides(src.strides()).tensor(index)
                    .i32(index.strides()[0]).tensor(dst).strides(dst.strides()).i32(dst.shape()[d])
                    .ptr(ctx().errorRecord());
            ctx().launchElements("indexing", "index_add", src.numel(), args);
        }
    }

    @Override
    public void gather(Tensor src, int dim, Tensor index, Tensor out) {
        int d = normalize(dim, src.rank());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(out.numel()).dims(out.shape()).i32(d).tensor(src).strides(src.strides()).i32(src.shape()[d])
                    .tensor(index).strides(index.strides()).tensor(out).strides(out.strides()).ptr(ctx().errorRecord());
            ctx().launchElements("indexing", "gather", out.numel(), args);
        }
    }

    @Override
    public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        int d = normalize(dim, dst.rank());
        requireAtomicType(dst, "scatter_add");
        try (KernelArgs args = new KernelArgs()) {
            args.i64(src.numel()).dims(src.shape()).i32(d).tensor(index).strides(index.strides()).tensor(src)
                    .strides(src.strides()).tensor(dst).strides(dst.strides()).i32(dst.shape()[d])
                    .ptr(ctx().errorRecord());
            ctx().launchElements("indexing", "scatter_add", src.numel(), args);
        }
    }

    // ------------------------------------------------------------------ loss and optimizer

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, Tensor loss, Tensor lse) {
        Tensor lc = contiguousInput(logits);
        int rows = lc.shape()[0];
        int v = lc.shape()[1];
        try (KernelArgs args = new KernelArgs()) {
            args.i64(rows).i32(v).tensor(lc).tensor(targets).i32(targets.strides()[0]).i64(ignoreIndex).tensor(loss)
                    .tensor(lse).ptr(ctx().errorRecord());
            ctx().launchRows("loss", "cross_entropy_fwd", rows, v, args);
        } finally {
            releaseIfCopy(lc, logits);
        }
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, long ignoreIndex, Tensor lse, Tensor gLoss,
                                     Tensor gLogits) {
        Tensor lc = contiguousInput(logits);
        int rows = lc.shape()[0];
        int v = lc.shape()[1];
        try (KernelArgs args = new KernelArgs()) {
            args.i64(rows).i32(v).tensor(lc).tensor(targets).i32(targets.strides()[0]).i64(ignoreIndex).tensor(lse)
                    .tensor(gLoss).i32(gLoss.rank() == 0 ? 0 : gLoss.strides()[0]).tensor(gLogits);
            ctx().launchRows("loss", "cross_entropy_bwd", rows, v, args);
        } finally {
            releaseIfCopy(lc, logits);
        }
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, long step) {
        for (Tensor t : new Tensor[]{param, m, v}) {
            if (t.dtype() != DType.F32 || !t.isContiguous()) {
                throw new IllegalArgumentException("adamw needs contiguous F32 param/m/v on the GPU, got " + t.dtype()
                        + (t.isContiguous() ? "" : " (non-contiguous)"));
            }
        }
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        int[] contiguous = dev.llava4j.tensor.Shape.contiguousStrides(param.shape());
        Layouts.Coalesced l = Layouts.coalesce(param.shape(), grad.strides(), contiguous);
        try (KernelArgs args = new KernelArgs()) {
            args.i64(param.numel()).dims(l.shape()).ptr(CudaStorage.address(param)).tensor(grad).strides(l.strides()[0])
                    .ptr(CudaStorage.address(m)).ptr(CudaStorage.address(v)).f32(1 - lr * weightDecay).f32(beta1)
                    .f32(1 - beta1).f32(beta2).f32(1 - beta2).f32(eps).f32(lr / bc1).f32(Math.sqrt(bc2));
            ctx().launchElements("optim", "adamw", param.numel(), args);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** One block per output element (the kernels loop when the grid is capped). */
    private static void launchBlocks(String module, String kernel, long outputs, int threads, KernelArgs args) {
        if (outputs <= 0) {
            return;
        }
        ctx().launch(module, kernel, (int) Math.min(outputs, 1 << 20), 1, 1, threads, 1, 1, 0, args);
    }

    /** Runs body on out itself when contiguous, else on a contiguous temporary that is then copied into out. */
    private void withContiguous(Tensor out, Consumer<Tensor> body) {
        if (out.isContiguous()) {
            body.accept(out);
            return;
        }
        Tensor tmp = CudaTensors.empty(out.dtype(), out.shape());
        try {
            body.accept(tmp);
            copy(tmp, out);
        } finally {
            tmp.release();
        }
    }

    /** The row kernels index [rows, n] densely: non-contiguous inputs are copied first. */
    private Tensor contiguousInput(Tensor x) {
        CudaStorage.address(x);  // fails clearly for a host tensor
        if (x.isContiguous()) {
            return x;
        }
        Tensor c = CudaTensors.empty(x.dtype(), x.shape());
        copy(x, c);
        return c;
    }

    private static void releaseIfCopy(Tensor used, Tensor original) {
        if (used != original) {
            used.release();
        }
    }

    private static int vecStride(Tensor t) {
        return t == null ? 0 : t.strides()[0];
    }

    private static void requireContiguous(Tensor t, String what) {
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(what + " must be contiguous on the CUDA backend");
        }
    }

    private static void requireIndex1d(Tensor index, String op) {
        if (index.rank() != 1 || index.dtype().isFloating()) {
            throw new IllegalArgumentException(op + " needs a 1-d integer index, got " + index.dtype() + " of rank "
                    + index.rank());
        }
    }

    /** The scatter-style adds use atomicAdd, which CUDA provides for these types only. */
    private static void requireAtomicType(Tensor dst, String op) {
        switch (dst.dtype()) {
            case F32, F64, F16, BF16, I32, I64 -> {
            }
            default -> throw new UnsupportedOperationException(op + " on the CUDA backend supports F32, F64, F16,"
                    + " BF16, I32 and I64 destinations, not " + dst.dtype());
        }
    }

    private static int normalize(int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException("dimension " + dim + " out of range for rank " + rank);
        }
        Layouts.checkRank(rank, "indexing");
        return d;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
