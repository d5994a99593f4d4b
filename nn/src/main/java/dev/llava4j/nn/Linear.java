package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Linalg;

/** y = x · Wᵀ + b with W stored [out, in] like PyTorch (so HF weights load as they are). */
public class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int in, int out, boolean bias, Init init) {
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", init.linearWeight(out, in));
        this.bias = bias ? parameter("bias", init.linearBias(out, in)) : null;
    }

    public Tensor forward(Tensor x) {
        return Linalg.linear(x, weight.value(), bias == null ? null : bias.value());
    }

    /**
     * Each layer applied to the same x. Plain layers without bias go to {@link Linalg#linearShared} together (in a
     * decode step their GEMVs then run as one parallel job); others, LoRA layers among them, run one by one.
     */
    public static Tensor[] forwardShared(Tensor x, Linear... layers) {
        boolean plain = true;
        for (Linear l : layers) {
            plain &= l.getClass() == Linear.class && l.bias == null;
        }
        if (plain) {
            Tensor[] weights = new Tensor[layers.length];
            for (int i = 0; i < layers.length; i++) {
                weights[i] = layers[i].weight.value();
            }
            return Linalg.linearShared(x, weights);
        }
        Tensor[] out = new Tensor[layers.length];
        for (int i = 0; i < layers.length; i++) {
            out[i] = layers[i].forward(x);
        }
        return out;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, or null. */
    public Parameter bias() {
        return bias;
    }
}
