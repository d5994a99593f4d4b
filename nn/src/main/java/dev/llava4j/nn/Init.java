package dev.llava4j.nn;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;

/**
 * How layers create their parameters: as shape-only placeholders (to be filled from a checkpoint), with PyTorch's
 * default initialisation, or with Hugging Face's (normal(0, std) weights, zero biases, unit norms).
 */
public interface Init {
    /** Weight [out, in] of a Linear layer. */
    Tensor linearWeight(int out, int in);

    /** Bias [out] of a Linear layer with fan-in {@code in}. */
    Tensor linearBias(int out, int in);

    /** Embedding table [n, dim]. */
    Tensor embedding(int n, int dim);

    /** Any other weight (class embeddings, position embeddings, patch kernels) of the given fan-in. */
    Tensor weight(int fanIn, int... shape);

    Tensor ones(int... shape);

    Tensor zeros(int... shape);

    /** Shape-only placeholders in dtype; nothing is allocated. */
    static Init meta(DType dtype) {
        return new Init() {
            public Tensor linearWeight(int out, int in) { return Tensor.meta(dtype, out, in); }
            public Tensor linearBias(int out, int in) { return Tensor.meta(dtype, out); }
            public Tensor embedding(int n, int dim) { return Tensor.meta(dtype, n, dim); }
            public Tensor weight(int fanIn, int... shape) { return Tensor.meta(dtype, shape); }
            public Tensor ones(int... shape) { return Tensor.meta(dtype, shape); }
            public Tensor zeros(int... shape) { return Tensor.meta(dtype, shape); }
        };
    }

    /** PyTorch defaults: Linear weight and bias U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform a=sqrt 5); Embedding N(0,1). */
    static Init pytorchDefault(Generator gen) {
        return new Init() {
            public Tensor linearWeight(int out, int in) { return uniformBound(gen, in, out, in); }
            public Tensor linearBias(int out, int in) { return uniformBound(gen, in, out); }
            public Tensor embedding(int n, int dim) { return Tensor.randn(gen, n, dim); }
            public Tensor weight(int fanIn, int... shape) { return uniformBound(gen, fanIn, shape); }
            public Tensor ones(int... shape) { return Tensor.ones(shape); }
            public Tensor zeros(int... shape) { return Tensor.zeros(shape); }
        };
    }

    /** Hugging Face's _init_weights: normal(0, std) for weights and embeddings, zeros for biases, ones for norms. */
    static Init normal(Generator gen, double std) {
        return new Init() {
            public Tensor linearWeight(int out, int in) { return Tensor.normal(gen, 0, std, out, in); }
            public Tensor linearBias(int out, int in) { return Tensor.zeros(out); }
            public Tensor embedding(int n, int dim) { return Tensor.normal(gen, 0, std, n, dim); }
            public Tensor weight(int fanIn, int... shape) { return Tensor.normal(gen, 0, std, shape); }
            public Tensor ones(int... shape) { return Tensor.ones(shape); }
            public Tensor zeros(int... shape) { return Tensor.zeros(shape); }
        };
    }

    private static Tensor uniformBound(Generator gen, int fanIn, int... shape) {
        double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        return Tensor.uniform(gen, -bound, bound, shape);
    }
}
