package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/** LayerNorm over the last dimension with weight and bias (biased variance, like PyTorch). */
public final class LayerNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final double eps;

    public LayerNorm(int dim, double eps, Init init) {
        this.weight = parameter("weight", init.ones(dim));
        this.bias = parameter("bias", init.zeros(dim));
        this.eps = eps;
    }

    public Tensor forward(Tensor x) {
        return Functional.layerNorm(x, F32.of(weight.value()), F32.of(bias.value()), eps);
    }
}
