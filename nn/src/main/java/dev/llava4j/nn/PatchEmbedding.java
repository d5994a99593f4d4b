package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/**
 * Conv2d whose stride equals its kernel (ViT patch embedding): weight [out, channels, k, k], optional bias.
 * Maps images [B, C, H, W] to [B, out, H/k, W/k].
 */
public final class PatchEmbedding extends Module {
    private final Parameter weight;
    private final Parameter bias;

    public PatchEmbedding(int channels, int out, int kernel, boolean bias, Init init) {
        this.weight = parameter("weight", init.weight(channels * kernel * kernel, out, channels, kernel, kernel));
        this.bias = bias ? parameter("bias", init.linearBias(out, channels * kernel * kernel)) : null;
    }

    public Tensor forward(Tensor images) {
        return Functional.conv2dPatch(images, weight.value(), bias == null ? null : bias.value());
    }

    public Parameter weight() {
        return weight;
    }
}
