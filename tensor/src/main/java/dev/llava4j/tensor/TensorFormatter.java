package dev.llava4j.tensor;

import java.util.Locale;

/**
 * Prints tensors the way PyTorch does: {@code tensor([[ 1.0000, -2.5000], ...], dtype=bf16, grad_fn=<AddBackward>)}.
 * Floats use 4 decimals, or scientific notation when magnitudes span more than 1000x or leave [1e-4, 1e8);
 * tensors above 1000 elements show 3 items at each edge of each dimension.
 */
final class TensorFormatter {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private TensorFormatter() {
    }

    static String format(Tensor t) {
        if (t.isReleased()) {
            return "tensor(<released>, shape=" + Shape.toString(t.shape()) + ")";
        }
        boolean summarize = t.numel() > THRESHOLD;
        double[] values = t.toDoubleArray();
        boolean floating = t.dtype().isFloating();
        boolean sci = false;
        boolean allIntegral = true;
        double maxAbs = 0;
        double minAbs = Double.POSITIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                double a = Math.abs(v);
                maxAbs = Math.max(maxAbs, a);
                if (a != 0) {
                    minAbs = Math.min(minAbs, a);
                }
                allIntegral &= v == Math.rint(v);
            }
        }
        if (floating && minAbs != Double.POSITIVE_INFINITY) {
            sci = maxAbs / minAbs > 1000 || maxAbs >= 1e8 || minAbs < 1e-4;
        }
        boolean sciFinal = sci;
        boolean intStyle = floating && allIntegral && !sci;
        java.util.function.DoubleFunction<String> fmt = v -> {
            if (!floating) {
                return t.dtype() == DType.BOOL ? (v != 0 ? "True" : "False") : Long.toString((long) v);
            }
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            if (sciFinal) {
                return String.format(Locale.ROOT, "%.4e", v);
            }
            return intStyle ? String.format(Locale.ROOT, "%.0f.", v) : String.format(Locale.ROOT, "%.4f", v);
        };
        int width = 0;
        for (double v : values) {
            width = Math.max(width, fmt.apply(v).length());
        }
        StringBuilder sb = new StringBuilder("tensor(");
        int[] shape = t.shape();
        appendLevel(sb, values, shape, 0, 0, width, fmt, summarize, 7);
        if (t.dtype() != DType.F32 && t.dtype() != DType.I64 && t.dtype() != DType.BOOL) {
            sb.append(", dtype=").append(t.dtype().name().toLowerCase(Locale.ROOT));
        }
        if (t.gradFn() != null) {
            sb.append(", grad_fn=<").append(t.gradFn().name()).append("Backward>");
        } else if (t.requiresGrad()) {
            sb.append(", requires_grad=True");
        }
        return sb.append(')').toString();
    }

    private static void appendLevel(StringBuilder sb, double[] values, int[] shape, int dim, int base, int width,
                                    java.util.function.DoubleFunction<String> fmt, boolean summarize, int indent) {
        if (shape.length == 0) {
            sb.append(fmt.apply(values[0]));
            return;
        }
        int n = shape[dim];
        int stride = 1;
        for (int i = dim + 1; i < shape.length; i++) {
            stride *= shape[i];
        }
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (summarize && n > 2 * EDGE && i == EDGE) {
                sb.append(dim == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(indent + dim + 1));
                i = n - EDGE - 1;
                continue;
            }
            if (dim == shape.length - 1) {
                String s = fmt.apply(values[base + i]);
                sb.append(" ".repeat(width - s.length())).append(s);
            } else {
                appendLevel(sb, values, shape, dim + 1, base + i * stride, width, fmt, summarize, indent);
            }
            if (i < n - 1) {
                sb.append(dim == shape.length - 1 ? ", " : ",\n" + "\n".repeat(Math.max(0, shape.length - dim - 2)) + " ".repeat(indent + dim + 1));
            }
        }
        sb.append(']');
    }
}
