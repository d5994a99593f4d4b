package dev.llava4j.tensor.ops;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Devices;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Node;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;

/** Neural-network functions built on the fused kernels of the backend SPI, with their gradient rules. */
public final class Functional {
    private Functional() {
    }

    /** Saved statistics are F32, or F64 for F64 inputs (so gradient checks in double stay exact). */
    private static DType statType(Tensor x) {
        return x.dtype() == DType.F64 ? DType.F64 : DType.F32;
    }

    public static Tensor softmax(Tensor x, int dim) {
        return softmaxImpl(x, dim, false);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return softmaxImpl(x, dim, true);
    }

    private static Tensor softmaxImpl(Tensor x, int dim, boolean log) {
        int d = Shape.dim(dim, x.rank());
        int last = x.rank() - 1;
        Tensor moved;
        try (GradMode.Guard g = GradMode.noGrad()) {
            moved = (d == last ? x : x.transpose(d, last)).contiguous();
        }
        int n = moved.size(-1);
        int[] movedShape = moved.shape();
        Tensor out2 = Tensor.empty(x.device(), x.dtype(), moved.numel() / Math.max(n, 1), n);
        try (GradMode.Guard g = GradMode.noGrad()) {
            x.backend().softmax(moved.reshape(-1, n), out2, log);
        }
        Tensor y;
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor r = out2.reshape(movedShape);
            y = d == last ? r : r.transpose(d, last);
        }
        Tensor yFinal = y;
        return Node.record(y, log ? "LogSoftmax" : "Softmax", g -> {
            Tensor gm = (d == last ? g : g.transpose(d, last)).contiguous().reshape(-1, n);
            Tensor gx = Tensor.empty(g.device(), g.dtype(), gm.shape());
            g.backend().softmaxBackward(out2, gm, gx, log);
            Tensor r = gx.reshape(movedShape);
            return new Tensor[]{(d == last ? r : r.transpose(d, last)).to(x.dtype())};
        }, x);
    }

    /** LayerNorm over the last dimension (biased variance, like PyTorch); weight/bias may be null. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        int n = x.size(-1);
        checkVector(weight, n, "layer_norm weight");
        checkVector(bias, n, "layer_norm bias");
        Tensor x2;
        try (GradMode.Guard g = GradMode.noGrad()) {
            x2 = x.contiguous().reshape(-1, n);
        }
        int rows = x2.size(0);
        Device dev = Devices.common("layer_norm", x, weight, bias);
        Tensor out = Tensor.empty(dev, x.dtype(), rows, n);
        Tensor mean = Tensor.empty(dev, statType(x), rows);
        Tensor rstd = Tensor.empty(dev, statType(x), rows);
        x.backend().layerNorm(x2, weight, bias, eps, out, mean, rstd);
        Tensor y;
        try (GradMode.Guard g = GradMode.noGrad()) {
            y = out.reshape(x.shape());
        }
        return Node.record(y, "LayerNorm", g -> {
            Tensor gy = g.contiguous().reshape(-1, n);
            Tensor gx = Tensor.empty(dev, x.dtype(), rows, n);
            Tensor gw = weight != null && weight.requiresGrad() ? Tensor.empty(dev, statType(x), n) : null;
            Tensor gb = bias != null && bias.requiresGrad() ? Tensor.empty(dev, statType(x), n) : null;
            x.backend().layerNormBackward(x2, weight, mean, rstd, gy, gx, gw, gb);
            return new Tensor[]{gx.reshape(x.shape()), gw == null ? null : gw.to(weight.dtype()),
                    gb == null ? null : gb.to(bias.dtype())};
        }, x, weight, bias);
    }

    /** LLaMA RMSNorm over the last dimension: weight * x / sqrt(mean(x^2) + eps), statistics in F32. */
    public static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
        int n = x.size(-1);
        checkVector(weight, n, "rms_norm weight");
        Tensor x2;
        try (GradMode.Guard g = GradMode.noGrad()) {
            x2 = x.contiguous().reshape(-1, n);
        }
        int rows = x2.size(0);
        Device dev = Devices.common("rms_norm", x, weight);
        Tensor out = Tensor.empty(dev, x.dtype(), rows, n);
        Tensor rstd = Tensor.empty(dev, statType(x), rows);
        x.backend().rmsNorm(x2, weight, eps, out, rstd);
        Tensor y;
        try (GradMode.Guard g = GradMode.noGrad()) {
            y = out.reshape(x.shape());
        }
        return Node.record(y, "RmsNorm", g -> {
            Tensor gy = g.contiguous().reshape(-1, n);
            Tensor gx = Tensor.empty(dev, x.dtype(), rows, n);
            Tensor gw = weight != null && weight.requiresGrad() ? Tensor.empty(dev, statType(x), n) : null;
            x.backend().rmsNormBackward(x2, weight, rstd, gy, gx, gw);
            return new Tensor[]{gx.reshape(x.shape()), gw == null ? null : gw.to(weight.dtype())};
        }, x, weight);
    }

    private static void checkVector(Tensor t, int n, String what) {
        if (t != null && (t.rank() != 1 || t.size(0) != n)) {
            throw new IllegalArgumentException(what + " must have shape [" + n + "], got " + Shape.toString(t.shape()));
        }
    }

    /**
     * cos and sin tables [B, T, headDim] for rotary embeddings at the given positions [B, T], rotate-half layout
     * ([cos θ_0..θ_{d/2-1}, cos θ_0..θ_{d/2-1}]), with inv_freq and angles in float32 as Hugging Face computes them.
     */
    public static Tensor[] rotaryCosSin(Tensor positionIds, int headDim, double theta) {
        if (positionIds.rank() != 2) {
            throw new IllegalArgumentException("position ids must be [batch, seq], got " + Shape.toString(positionIds.shape()));
        }
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int j = 0; j < half; j++) {
            float exponent = (float) (2 * j) / headDim;
            invFreq[j] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        int b = positionIds.size(0);
        int t = positionIds.size(1);
        long[] pos = positionIds.toLongArray();
        float[] cos = new float[b * t * headDim];
        float[] sin = new float[b * t * headDim];
        for (int i = 0; i < b * t; i++) {
            float p = pos[i];
            for (int j = 0; j < half; j++) {
                float angle = p * invFreq[j];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[i * headDim + j] = c;
                cos[i * headDim + j + half] = c;
                sin[i * headDim + j] = s;
                sin[i * headDim + j + half] = s;
            }
        }
        // tables are computed on the host (as HF does in float32) and placed where the positions live
        return new Tensor[]{Tensor.of(cos, b, t, headDim).to(positionIds.device()),
                Tensor.of(sin, b, t, headDim).to(positionIds.device())};
    }

    /** Rotary embedding of x [B, H, T, D] with cos/sin [B, T, D] (HF rotate_half convention). */
    public static Tensor rope(Tensor x, Tensor cos, Tensor sin) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("rope input must be [batch, heads, seq, head_dim], got " + Shape.toString(x.shape()));
        }
        int[] want = {x.size(0), x.size(2), x.size(3)};
        if (!java.util.Arrays.equals(cos.shape(), want) || !java.util.Arrays.equals(sin.shape(), want)) {
            throw new IllegalArgumentException("rope cos/sin must be " + Shape.toString(want) + ", got "
                    + Shape.toString(cos.shape()) + " / " + Shape.toString(sin.shape()));
        }
        Tensor c;
        Tensor s;
        try (GradMode.Guard g = GradMode.noGrad()) {
            c = cos.unsqueeze(1).expand(x.shape());
            s = sin.unsqueeze(1).expand(x.shape());
        }
        Tensor out = Tensor.empty(Devices.common("rope", x, cos, sin), x.dtype(), x.shape());
        x.backend().rope(x, c, s, out, false);
        return Node.record(out, "Rope", g -> {
            Tensor gx = Tensor.empty(g.device(), x.dtype(), x.shape());
            g.backend().rope(g, c, s, gx, true);
            return new Tensor[]{gx};
        }, x);
    }

    /**
     * Scaled dot-product attention: q [B, H, Tq, D], k/v [B, Hkv, Tk, D]; mask null or additive (broadcastable to
     * [B, H, Tq, Tk]); causal aligns the last query with the last key (KV-cache decoding).
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new IllegalArgumentException("attention inputs must be 4-d [batch, heads, seq, head_dim]");
        }
        int b = q.size(0);
        int h = q.size(1);
        int tq = q.size(2);
        int d = q.size(3);
        int hkv = k.size(1);
        int tk = k.size(2);
        if (k.size(0) != b || v.size(0) != b || v.size(1) != hkv || v.size(2) != tk || k.size(3) != d || h % hkv != 0) {
            throw new IllegalArgumentException("attention shapes do not match: q " + Shape.toString(q.shape()) + ", k "
                    + Shape.toString(k.shape()) + ", v " + Shape.toString(v.shape()));
        }
        if (causal && tq > tk) {
            throw new IllegalArgumentException("causal attention with more queries (" + tq + ") than keys (" + tk + ")");
        }
        Tensor m = null;
        if (mask != null) {
            try (GradMode.Guard g = GradMode.noGrad()) {
                Tensor fm = mask.dtype() == DType.BOOL ? Elementwise.where(mask, Tensor.scalar(0),
                        Tensor.scalar(Double.NEGATIVE_INFINITY)) : mask;
                m = fm.expand(b, h, tq, tk);
            }
        }
        Device dev = Devices.common("attention", q, k, v, mask);
        Tensor out = Tensor.empty(dev, q.dtype(), b, h, tq, v.size(3));
        Tensor lse = Tensor.empty(dev, statType(q), b, h, tq);
        q.backend().attention(q, k, v, m, causal, scale, out, lse);
        Tensor maskFinal = m;
        return Node.record(out, "Attention", g -> {
            Tensor gq = Tensor.empty(dev, q.dtype(), q.shape());
            Tensor gk = Tensor.empty(dev, k.dtype(), k.shape());
            Tensor gv = Tensor.empty(dev, v.dtype(), v.shape());
            q.backend().attentionBackward(q, k, v, maskFinal, causal, scale, out, lse, g, gq, gk, gv);
            return new Tensor[]{gq, gk, gv};
        }, q, k, v);
    }

    /**
     * Mean cross-entropy over the targets that are not {@code ignoreIndex}; logits [..., V], targets [...] integer.
     * NaN when every target is ignored (as PyTorch).
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, long ignoreIndex) {
        int v = logits.size(-1);
        Tensor l2;
        Tensor t1;
        try (GradMode.Guard g = GradMode.noGrad()) {
            l2 = logits.contiguous().reshape(-1, v);
            t1 = targets.contiguous().reshape(-1);
        }
        if (t1.size(0) != l2.size(0)) {
            throw new IllegalArgumentException("cross_entropy: " + l2.size(0) + " logit rows but " + t1.size(0) + " targets");
        }
        int n = l2.size(0);
        Device dev = Devices.common("cross_entropy", logits, targets);
        Tensor rowLoss = Tensor.empty(dev, statType(logits), n);
        Tensor lse = Tensor.empty(dev, statType(logits), n);
        logits.backend().crossEntropy(l2, t1, ignoreIndex, rowLoss, lse);
        long count = 0;
        for (long t : t1.toLongArray()) {
            if (t != ignoreIndex) {
                if (t < 0 || t >= v) {
                    throw new IllegalArgumentException("cross_entropy: target " + t + " outside [0, " + v + ")");
                }
                count++;
            }
        }
        double denom = count;
        Tensor loss;
        try (GradMode.Guard g = GradMode.noGrad()) {
            loss = rowLoss.sum().div(denom);
        }
        int[] logitShape = logits.shape();
        return Node.record(loss, "CrossEntropy", g -> {
            Tensor gRow = Tensor.full(g.getDouble() / denom, statType(logits), dev, n);
            Tensor gl = Tensor.empty(dev, statType(logits), n, v);
            logits.backend().crossEntropyBackward(l2, t1, ignoreIndex, lse, gRow, gl);
            return new Tensor[]{gl.reshape(logitShape).to(logits.dtype()), null};
        }, logits, targets);
    }

    /** Inverted dropout: zeroes elements with probability p and scales the rest by 1/(1-p); identity when not training. */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        if (!training || p == 0) {
            return x;
        }
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        Tensor keep;
        try (GradMode.Guard g = GradMode.noGrad()) {
            // the mask is drawn on the host (one generator stream on every device) and moved
            keep = Tensor.rand(gen, x.shape()).to(x.device()).ge(Tensor.scalar(p)).to(x.dtype()).mul(1.0 / (1.0 - p));
        }
        return x.mul(keep);
    }

    /**
     * Conv2d whose stride equals its kernel (patch embedding): x [B, C, H, W], weight [O, C, k, k], bias [O] or null.
     * Implemented as patch extraction (a view + one copy) and one matrix product; pixels beyond whole patches are
     * dropped like PyTorch's floor mode.
     */
    public static Tensor conv2dPatch(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() != 4 || weight.rank() != 4 || weight.size(2) != weight.size(3) || weight.size(1) != x.size(1)) {
            throw new IllegalArgumentException("conv2d patch: input " + Shape.toString(x.shape()) + ", weight "
                    + Shape.toString(weight.shape()) + " (expected [B,C,H,W] and [O,C,k,k])");
        }
        int b = x.size(0);
        int c = x.size(1);
        int k = weight.size(2);
        int gh = x.size(2) / k;
        int gw = x.size(3) / k;
        int o = weight.size(0);
        Tensor cropped = x.narrow(2, 0, gh * k).narrow(3, 0, gw * k);
        Tensor patches = cropped.reshape(b, c, gh, k, gw, k).permute(0, 2, 4, 1, 3, 5).reshape(b * gh * gw, c * k * k);
        Tensor y = Linalg.linear(patches, weight.reshape(o, c * k * k), bias);
        return y.reshape(b, gh, gw, o).permute(0, 3, 1, 2);
    }
}
