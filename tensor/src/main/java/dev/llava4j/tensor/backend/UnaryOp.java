package dev.llava4j.tensor.backend;

/** Elementwise functions of one tensor. Scalar definitions in {@link #apply(double)} are the reference semantics. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, TANH, SIGMOID, RELU, GELU, GELU_TANH, QUICK_GELU, SILU, ABS, SIN, COS, RECIPROCAL, SQUARE;

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> x > 0 ? x : 0.0;
            case GELU -> 0.5 * x * (1.0 + Erf.erf(x / Math.sqrt(2.0)));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case QUICK_GELU -> x * sigmoid(1.702 * x);
            case SILU -> x * sigmoid(x);
            case ABS -> Math.abs(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case RECIPROCAL -> 1.0 / x;
            case SQUARE -> x * x;
        };
    }

    /** d f(x) / dx, for the activations whose backward is a fused kernel. */
    public double derivative(double x) {
        return switch (this) {
            case GELU -> 0.5 * (1.0 + Erf.erf(x / Math.sqrt(2.0))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2.0 * Math.PI);
            case GELU_TANH -> {
                double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
                double t = Math.tanh(inner);
                yield 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x);
            }
            case QUICK_GELU -> {
                double s = sigmoid(1.702 * x);
                yield s + 1.702 * x * s * (1.0 - s);
            }
            case SILU -> {
                double s = sigmoid(x);
                yield s * (1.0 + x * (1.0 - s));
            }
            case RELU -> x > 0 ? 1.0 : 0.0;
            default -> throw new UnsupportedOperationException("no fused derivative for " + this);
        };
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
