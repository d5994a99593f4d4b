package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;

/** The activations named in Hugging Face configs ("gelu", "quick_gelu", "silu", ...). */
public enum Activation {
    GELU, GELU_TANH, QUICK_GELU, SILU, RELU;

    public Tensor apply(Tensor x) {
        return switch (this) {
            case GELU -> x.gelu();
            case GELU_TANH -> x.geluTanh();
            case QUICK_GELU -> x.quickGelu();
            case SILU -> x.silu();
            case RELU -> x.relu();
        };
    }

    /** Parses a config's hidden_act value. */
    public static Activation fromConfig(String name) {
        return switch (name) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "quick_gelu" -> QUICK_GELU;
            case "silu", "swish" -> SILU;
            case "relu" -> RELU;
            default -> throw new IllegalArgumentException("unsupported activation '" + name
                    + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, quick_gelu, silu, relu)");
        };
    }
}
