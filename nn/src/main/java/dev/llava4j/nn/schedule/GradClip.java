package dev.llava4j.nn.schedule;

import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.optim.Optimizer;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.ops.Elementwise;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Collection;

/** Gradient clipping by the global L2 norm, like {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private GradClip() {
    }

    /**
     * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when that is below 1, where norm is the L2 norm of all
     * gradients together (summed in double). Returns the norm before clipping. Parameters without a gradient are
     * ignored. Unlike PyTorch, a non-finite norm leaves the gradients untouched (instead of turning them all into NaN);
     * check the returned value to skip such a step.
     */
    public static double clipGlobalNorm(Collection<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(params);
        double coef = maxNorm / (norm + 1e-6);
        if (Double.isFinite(norm) && coef < 1) {
            try (GradMode.Guard g = GradMode.noGrad(); TensorScope scope = TensorScope.open()) {
                for (Parameter p : params) {
                    Tensor grad = p.grad();
                    if (grad != null) {
                        grad.copyFrom(grad.mul(coef));
                    }
                }
            }
        }
        return norm;
    }

    /** Clips the gradients of every parameter the optimizer updates. */
    public static double clipGlobalNorm(Optimizer optimizer, double maxNorm) {
        return clipGlobalNorm(optimizer.parameters(), maxNorm);
    }

    /** The L2 norm of all gradients together, accumulated in double. */
    public static double globalNorm(Collection<Parameter> params) {
        double sumSquares = 0;
        try (GradMode.Guard g = GradMode.noGrad(); TensorScope scope = TensorScope.open()) {
            for (Parameter p : params) {
                Tensor grad = p.grad();
                if (grad != null) {
                    sumSquares += sumOfSquares(grad);
                }
            }
        }
        return Math.sqrt(sumSquares);
    }

    private static double sumOfSquares(Tensor grad) {
        if (grad.device() != Device.CPU) {
            // on a device the squares are summed there in double and only the total comes back
            return grad.to(DType.F64).square().sum().getDouble();
        }
        Tensor t = grad.dtype() == DType.F32 && grad.isContiguous() ? grad : Elementwise.copy(grad, DType.F32);
        MemorySegment seg = t.segment();
        long base = t.offset();
        int n = t.numel();
        // four partial sums let the JIT overlap the additions
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            double a = seg.getAtIndex(F32, base + i);
            double b = seg.getAtIndex(F32, base + i + 1);
            double c = seg.getAtIndex(F32, base + i + 2);
            double d = seg.getAtIndex(F32, base + i + 3);
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < n; i++) {
            double a = seg.getAtIndex(F32, base + i);
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
