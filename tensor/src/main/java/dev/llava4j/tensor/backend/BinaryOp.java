package dev.llava4j.tensor.backend;

/**
 * Elementwise functions of two tensors (already broadcast to the output shape). Comparisons write 1/0.
 * The *_GRAD ops take (x, upstream gradient) and return gradient * f'(x): the fused backward of an activation.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE,
    GELU_GRAD, GELU_TANH_GRAD, QUICK_GELU_GRAD, SILU_GRAD, RELU_GRAD;

    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case GELU_GRAD -> b * UnaryOp.GELU.derivative(a);
            case GELU_TANH_GRAD -> b * UnaryOp.GELU_TANH.derivative(a);
            case QUICK_GELU_GRAD -> b * UnaryOp.QUICK_GELU.derivative(a);
            case SILU_GRAD -> b * UnaryOp.SILU.derivative(a);
            case RELU_GRAD -> a > 0 ? b : 0.0;
        };
    }

    public boolean isComparison() {
        return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE;
    }
}
