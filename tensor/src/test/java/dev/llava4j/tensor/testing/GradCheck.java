package dev.llava4j.tensor.testing;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient check in double precision: compares autograd's gradient of sum(f(x) * w) (w random,
 * fixed) with central differences (h = 1e-6) for every element of every input that requires grad.
 */
public final class GradCheck {
    private GradCheck() {
    }

    public static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(what, 1e-6, 1e-5, f, inputs);
    }

    public static void check(String what, double h, double tol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t.requiresGrad() && t.dtype() != DType.F64) {
                throw new IllegalArgumentException("gradcheck inputs must be F64");
            }
        }
        Tensor out0 = f.apply(inputs);
        Tensor weights = Tensor.randn(new Generator(7), out0.shape()).to(DType.F64);
        Tensor loss = out0.mul(weights).sum();
        loss.backward();
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            if (!x.requiresGrad()) {
                continue;
            }
            Tensor analytic = x.grad();
            assertNotNull(analytic, what + ": input " + k + " got no gradient");
            double[] a = analytic.toDoubleArray();
            int n = x.numel();
            for (int i = 0; i < n; i++) {
                double orig;
                double plus;
                double minus;
                try (GradMode.Guard g = GradMode.noGrad()) {
                    Tensor flat = x.reshape(-1);
                    orig = flat.getDouble(i);
                    flat.select(0, i).fill(orig + h);
                    plus = f.apply(inputs).mul(weights).sum().getDouble();
                    flat.select(0, i).fill(orig - h);
                    minus = f.apply(inputs).mul(weights).sum().getDouble();
                    flat.select(0, i).fill(orig);
                }
                double numeric = (plus - minus) / (2 * h);
                double err = Math.abs(numeric - a[i]);
                if (err > tol * Math.max(1.0, Math.abs(numeric))) {
                    fail(what + ": gradient of input " + k + " element " + i + ": autograd " + a[i]
                            + " vs finite difference " + numeric + " (tolerance " + tol + ")");
                }
            }
        }
    }

    /** A random F64 leaf tensor requiring grad. */
    public static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).to(DType.F64).requiresGrad(true);
    }
}
