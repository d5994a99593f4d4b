package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/** LLaMA's RMSNorm: weight * x / sqrt(mean(x^2) + eps), statistics in float32. */
public final class RMSNorm extends Module {
    private final Parameter weight;
    private final double eps;

    public RMSNorm(int dim, double eps, Init init) {
        this.weight = parameter("weight", init.ones(dim));
        this.eps = eps;
    }

    public Tensor forward(Tensor x) {
        return Functional.rmsNorm(x, F32.of(weight.value()), eps);
    }
}
