package dev.llava4j.tensor.ops;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Devices;
import dev.llava4j.tensor.Node;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.UnaryOp;

/** Elementwise operations with broadcasting, and their gradient rules. */
public final class Elementwise {
    private Elementwise() {
    }

    /**
     * PyTorch-like promotion: equal dtypes stay; a 0-d operand does not change a higher-rank operand's floating dtype;
     * floating beats integer; mixed floating dtypes compute in F32; mixed integers in I64.
     */
    public static DType resultType(Tensor a, Tensor b) {
        DType x = a.dtype();
        DType y = b.dtype();
        if (x == y) {
            return x;
        }
        if (b.rank() == 0 && a.rank() > 0 && (x.isFloating() || !y.isFloating())) {
            return x;
        }
        if (a.rank() == 0 && b.rank() > 0 && (y.isFloating() || !x.isFloating())) {
            return y;
        }
        if (x.isFloating() && !y.isFloating()) {
            return x;
        }
        if (y.isFloating() && !x.isFloating()) {
            return y;
        }
        if (x.isFloating()) {
            return x == DType.F64 || y == DType.F64 ? DType.F64 : DType.F32;
        }
        return DType.I64;
    }

    private static Tensor sumTo(Tensor g, Tensor like) {
        return Reductions.sumToShape(g, like.shape()).to(like.dtype());
    }

    public static Tensor unary(UnaryOp op, Tensor x) {
        DType dt = x.dtype().isFloating() || op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.SQUARE
                ? x.dtype() : DType.F32;
        Tensor out = Tensor.empty(x.device(), dt, x.shape());
        x.backend().unary(op, x, out);
        return Node.record(out, op.name(), g -> new Tensor[]{unaryGrad(op, x, out, g)}, x);
    }

    private static Tensor unaryGrad(UnaryOp op, Tensor x, Tensor y, Tensor g) {
        return switch (op) {
            case NEG -> g.neg();
            case EXP -> g.mul(y);
            case LOG -> g.div(x);
            case SQRT -> g.div(y.mul(2.0));
            case RSQRT -> g.mul(y.mul(y).mul(y).mul(-0.5));
            case TANH -> g.mul(y.mul(y).neg().add(1.0));
            case SIGMOID -> g.mul(y.mul(y.neg().add(1.0)));
            case RELU -> binary(BinaryOp.RELU_GRAD, x, g);
            case GELU -> binary(BinaryOp.GELU_GRAD, x, g);
            case GELU_TANH -> binary(BinaryOp.GELU_TANH_GRAD, x, g);
            case QUICK_GELU -> binary(BinaryOp.QUICK_GELU_GRAD, x, g);
            case SILU -> binary(BinaryOp.SILU_GRAD, x, g);
            case ABS -> where(x.gt(0.0), g, where(x.lt(0.0), g.neg(), Tensor.scalar(0)));
            case SIN -> g.mul(unary(UnaryOp.COS, x));
            case COS -> g.mul(unary(UnaryOp.SIN, x)).neg();
            case RECIPROCAL -> g.mul(y.mul(y)).neg();
            case SQUARE -> g.mul(x).mul(2.0);
        };
    }

    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Device device = Devices.common(op.name(), a, b);
        Tensor a0 = Devices.onto(a, device);
        Tensor b0 = Devices.onto(b, device);
        return binaryOn(op, a0, b0);
    }

    private static Tensor binaryOn(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        DType dt = op.isComparison() ? DType.BOOL : resultType(a, b);
        Tensor out = Tensor.empty(a.device(), dt, shape);
        Tensor ae;
        Tensor be;
        try (var ng = dev.llava4j.tensor.GradMode.noGrad()) {
            ae = a.expand(shape);
            be = b.expand(shape);
        }
        a.backend().binary(op, ae, be, out);
        if (op.isComparison() || op.name().endsWith("_GRAD")) {
            return out;
        }
        return Node.record(out, op.name(), g -> binaryGrad(op, a, b, out, g), a, b);
    }

    private static Tensor[] binaryGrad(BinaryOp op, Tensor a, Tensor b, Tensor out, Tensor g) {
        boolean ga = a.requiresGrad();
        boolean gb = b.requiresGrad();
        return switch (op) {
            case ADD -> new Tensor[]{ga ? sumTo(g, a) : null, gb ? sumTo(g, b) : null};
            case SUB -> new Tensor[]{ga ? sumTo(g, a) : null, gb ? sumTo(g.neg(), b) : null};
            case MUL -> new Tensor[]{ga ? sumTo(g.mul(b), a) : null, gb ? sumTo(g.mul(a), b) : null};
            case DIV -> new Tensor[]{ga ? sumTo(g.div(b), a) : null, gb ? sumTo(g.mul(out).div(b).neg(), b) : null};
            case POW -> new Tensor[]{
                    ga ? sumTo(g.mul(b).mul(a.pow(b.sub(1.0))), a) : null,
                    gb ? sumTo(g.mul(out).mul(a.log()), b) : null};
            case MAX, MIN -> {
                // ties share the gradient equally, as in PyTorch
                Tensor aWins = op == BinaryOp.MAX ? a.gt(b) : a.lt(b);
                Tensor tie = a.eq(b);
                Tensor half = g.mul(0.5);
                Tensor zero = Tensor.scalar(0);
                yield new Tensor[]{
                        ga ? sumTo(where(tie, half, where(aWins, g, zero)), a) : null,
                        gb ? sumTo(where(tie, half, where(aWins, zero, g)), b) : null};
            }
            default -> throw new IllegalStateException("no gradient for " + op);
        };
    }

    /** cond ? a : b with broadcasting; differentiable in a and b. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Device device = Devices.common("where", cond, a, b);
        Tensor c0 = Devices.onto(cond, device);
        Tensor a0 = Devices.onto(a, device);
        Tensor b0 = Devices.onto(b, device);
        return whereOn(c0, a0, b0);
    }

    private static Tensor whereOn(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(cond.shape(), Shape.broadcast(a.shape(), b.shape()));
        Tensor out = Tensor.empty(a.device(), resultType(a, b), shape);
        try (var ng = dev.llava4j.tensor.GradMode.noGrad()) {
            out.backend().where(cond.expand(shape), a.expand(shape), b.expand(shape), out);
        }
        return Node.record(out, "Where", g -> {
            Tensor zero = Tensor.scalar(0);
            return new Tensor[]{null,
                    a.requiresGrad() ? sumTo(where(cond, g, zero), a) : null,
                    b.requiresGrad() ? sumTo(where(cond, zero, g), b) : null};
        }, cond, a, b);
    }

    /** min(max(x, lo), hi); the gradient flows where lo <= x <= hi. */
    public static Tensor clamp(Tensor x, double lo, double hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp: min " + lo + " > max " + hi);
        }
        Tensor loT = Tensor.scalar(lo);
        Tensor hiT = Tensor.scalar(hi);
        Tensor out = Tensor.empty(x.device(), x.dtype(), x.shape());
        try (var ng = dev.llava4j.tensor.GradMode.noGrad()) {
            Tensor c = where(x.lt(loT), loT, where(x.gt(hiT), hiT, x));
            out.copyFrom(c);
        }
        return Node.record(out, "Clamp", g -> new Tensor[]{
                where(x.lt(loT), Tensor.scalar(0), where(x.gt(hiT), Tensor.scalar(0), g)).to(x.dtype())}, x);
    }

    /** x where mask is false, value where mask is true. */
    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        Tensor v = Tensor.full(value, x.dtype());
        return where(mask, v, x);
    }

    /** A contiguous copy converted to dtype; the gradient is converted back. */
    public static Tensor copy(Tensor x, DType dtype) {
        Tensor out = Tensor.empty(x.device(), dtype, x.shape());
        x.backend().copy(x, out);
        if (!dtype.isFloating()) {
            return out;
        }
        DType original = x.dtype();
        return Node.record(out, "Copy", g -> new Tensor[]{g.to(original)}, x);
    }
}
