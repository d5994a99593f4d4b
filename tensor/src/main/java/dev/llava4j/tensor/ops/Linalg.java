package dev.llava4j.tensor.ops;

import dev.llava4j.tensor.Devices;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Node;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;

import java.util.Arrays;

/** Matrix products with torch.matmul semantics (1-d promotion, broadcast batch dimensions). */
public final class Linalg {
    private Linalg() {
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul needs at least 1-d operands");
        }
        if (a.rank() == 1) {
            return squeezeAt(matmul(a.unsqueeze(0), b), -2);
        }
        if (b.rank() == 1) {
            return squeezeAt(matmul(a, b.unsqueeze(-1)), -1);
        }
        int m = a.size(-2);
        int k = a.size(-1);
        int n = b.size(-1);
        if (b.size(-2) != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, " + Shape.toString(a.shape()) + " x " + Shape.toString(b.shape()));
        }
        if (b.rank() == 2 && a.rank() > 2) {
            // one weight for every batch row: a single [rows, k] x [k, n] product instead of a batch of small ones
            int[] outShape = a.shape();
            outShape[outShape.length - 1] = n;
            return matmul(a.reshape(-1, k), b).reshape(outShape);
        }
        int[] batchA = Arrays.copyOf(a.shape(), a.rank() - 2);
        int[] batchB = Arrays.copyOf(b.shape(), b.rank() - 2);
        int[] batch = Shape.broadcast(batchA, batchB);
        Tensor ae;
        Tensor be;
        try (GradMode.Guard g = GradMode.noGrad()) {
            ae = a.expand(Shape.concat(batch, m, k));
            be = b.expand(Shape.concat(batch, k, n));
        }
        Tensor out = Tensor.empty(Devices.common("matmul", a, b), Elementwise.resultType(a, b), Shape.concat(batch, m, n));
        out.backend().matmul(ae, be, out);
        return Node.record(out, "Matmul", g -> new Tensor[]{
                a.requiresGrad() ? Reductions.sumToShape(productLaidOutLike(g, be.mT(), a), a.shape()).to(a.dtype()) : null,
                b.requiresGrad() ? Reductions.sumToShape(productLaidOutLike(ae.mT(), g, b), b.shape()).to(b.dtype()) : null}, a, b);
    }

    /**
     * x · y for the gradient of {@code operand}. When the operand is a transposed view of a contiguous matrix (Linear's
     * W.mT()) the product is computed as (yᵀ · xᵀ)ᵀ, so the gradient reaches W contiguous, in W's own layout: the
     * same values, with no transposing copy on the way to .grad.
     */
    private static Tensor productLaidOutLike(Tensor x, Tensor y, Tensor operand) {
        if (operand.rank() == 2 && !operand.isContiguous() && operand.mT().isContiguous()) {
            return matmul(y.mT(), x.mT()).mT();
        }
        return matmul(x, y);
    }

    private static Tensor squeezeAt(Tensor t, int dim) {
        return t.squeeze(dim);
    }

    /** y = x · Wᵀ + b, W in PyTorch's [out, in] layout; bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Tensor y = matmul(x, weight.mT());
        return bias == null ? y : y.add(bias);
    }

    /**
     * x · Wᵢᵀ for every weight Wᵢ [outᵢ, in] (no biases), as {@link #linear} gives them. Without autograd to record
     * the products go to the backend in one {@link dev.llava4j.tensor.backend.Backend#matmulShared} call, which the CPU
     * backend runs as one parallel job when x is a single row (a decode step's q/k/v or gate/up projections).
     */
    public static Tensor[] linearShared(Tensor x, Tensor... weights) {
        if (weights.length == 0 || x.rank() == 0) {
            throw new IllegalArgumentException("linearShared needs an input of rank >= 1 and at least one weight, got "
                    + Shape.toString(x.shape()) + " and " + weights.length + " weights");
        }
        int k = x.size(-1);
        boolean recording = GradMode.isEnabled() && x.requiresGrad();
        for (int i = 0; i < weights.length; i++) {
            Tensor w = weights[i];
            if (w.rank() != 2 || w.size(1) != k) {
                throw new IllegalArgumentException("linearShared: weight " + i + " has shape " + Shape.toString(w.shape())
                        + ", expected [out, " + k + "] for input " + Shape.toString(x.shape()));
            }
            recording |= GradMode.isEnabled() && w.requiresGrad();
        }
        Tensor[] out = new Tensor[weights.length];
        if (recording) {
            for (int i = 0; i < weights.length; i++) {
                out[i] = linear(x, weights[i], null);
            }
            return out;
        }
        Tensor rows = x.reshape(-1, k);
        Tensor[] transposed = new Tensor[weights.length];
        Tensor[] flat = new Tensor[weights.length];
        for (int i = 0; i < weights.length; i++) {
            transposed[i] = weights[i].mT();
            flat[i] = Tensor.empty(Devices.common("linearShared", x, weights[i]),
                    Elementwise.resultType(x, weights[i]), rows.size(0), weights[i].size(0));
        }
        rows.backend().matmulShared(rows, transposed, flat);
        for (int i = 0; i < weights.length; i++) {
            int[] shape = x.shape();
            shape[shape.length - 1] = weights[i].size(0);
            out[i] = flat[i].reshape(shape);
        }
        return out;
    }
}
