package dev.llava4j.backend.cpu;

import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector forms of the elementwise functions (float32 lanes); scalar tails use the ops' reference definitions. */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    private VectorMath() {
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.42860682030941723212e-6f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;

    /**
     * e^x from basic IEEE operations only (range reduction by ln 2, a degree-7 Taylor polynomial on |r| <= ln2/2,
     * scaling by 2^n through the exponent bits), within 2 ulp. The Vector API's lanewise EXP is not used because its
     * JIT intrinsic and its interpreter fallback round differently, which would make results depend on warm-up.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-87.0f).min(88.0f);
        FloatVector t = xc.mul(LOG2E).add(ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.mul(-LN2_HI).add(xc);
        r = n.mul(-LN2_LO).add(r);
        FloatVector p = r.mul(1f / 5040).add(1f / 720);
        p = p.mul(r).add(1f / 120);
        p = p.mul(r).add(1f / 24);
        p = p.mul(r).add(1f / 6);
        p = p.mul(r).add(0.5f);
        p = p.mul(r).add(1f);
        p = p.mul(r).add(1f);
        jdk.incubator.vector.IntVector bits = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER));
        FloatVector scale = bits.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(scale);
        y = y.blend(0f, x.compare(VectorOperators.LT, -87.0f));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.72f));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh(x) = 1 - 2 / (e^(2x) + 1), deterministic like {@link #exp}. */
    static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.mul(2f));
        return FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
    }

    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /**
     * erfc(z) for z >= 0 with fractional error below 1.2e-7 (the Chebyshev-fitted form of Numerical Recipes'
     * erfcc), accurate in the tail, which keeps GELU's relative error small for negative inputs.
     */
    static FloatVector erfcNonNegative(FloatVector z) {
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(0.5f).add(1f));
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
        p = p.mul(t).add(1.48851587f);
        p = p.mul(t).add(-1.13520398f);
        p = p.mul(t).add(0.27886807f);
        p = p.mul(t).add(-0.18628806f);
        p = p.mul(t).add(0.09678418f);
        p = p.mul(t).add(0.37409196f);
        p = p.mul(t).add(1.00002368f);
        p = p.mul(t).add(-1.26551223f);
        FloatVector arg = z.mul(z).neg().add(p);
        return t.mul(exp(arg));
    }

    /** 0.5 * (1 + erf(x / sqrt 2)), the standard normal CDF. */
    static FloatVector normalCdf(FloatVector x) {
        FloatVector e = erfcNonNegative(x.abs().mul(INV_SQRT2)).mul(0.5f);
        VectorMask<Float> neg = x.compare(VectorOperators.LT, 0f);
        return FloatVector.broadcast(S, 1f).sub(e).blend(e, neg);
    }

    /** A vector loop over elements [0, bound) of a row (bound a multiple of the vector length): o = f(x). */
    @FunctionalInterface
    interface UnaryRow {
        void run(MemorySegment x, long xo, MemorySegment o, long oo, int bound);
    }

    /** A vector loop over elements [0, bound) of three rows: o = f(a, b). */
    @FunctionalInterface
    interface BinaryRow {
        void run(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o, long oo, int bound);
    }

    /*
     * One loop per op, each in its own lambda (so its own JIT compilation unit), on purpose. A single loop over a
     * switch, or one method holding the loops of several ops, stops inlining the longer formulas once a few ops
     * have been compiled into it (the JIT's per-method node budget), and every vector that crosses a call that
     * is not inlined gets boxed: 2-10x slower. The loops store with intoMemorySegment directly for the same reason.
     */

    /** The vector loop of a unary op. */
    static UnaryRow unaryRow(UnaryOp op) {
        int n = S.length();
        return switch (op) {
            case NEG -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(x, xo, i).neg().intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case EXP -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) exp(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case LOG -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(x, xo, i).lanewise(VectorOperators.LOG).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case SQRT -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(x, xo, i).lanewise(VectorOperators.SQRT).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case RSQRT -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) rsqrt(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case TANH -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) tanh(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case SIGMOID -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) sigmoid(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case RELU -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(x, xo, i).max(0f).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case GELU -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) gelu(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case GELU_TANH -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) geluTanh(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case QUICK_GELU -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) quickGelu(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case SILU -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) silu(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case ABS -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(x, xo, i).abs().intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case SIN -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(x, xo, i).lanewise(VectorOperators.SIN).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case COS -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(x, xo, i).lanewise(VectorOperators.COS).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case RECIPROCAL -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) reciprocal(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case SQUARE -> (x, xo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(x, xo, i).mul(Rows.load(x, xo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
        };
    }

    /** The vector loop of a binary op that is not {@link #isArithmetic} (the activation gradients, pow). */
    static BinaryRow gradientRow(BinaryOp op) {
        int n = S.length();
        return switch (op) {
            case POW -> (a, ao, b, bo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(a, ao, i).lanewise(VectorOperators.POW, Rows.load(b, bo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case GELU_GRAD -> (a, ao, b, bo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) geluGrad(Rows.load(a, ao, i), Rows.load(b, bo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case GELU_TANH_GRAD -> (a, ao, b, bo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) geluTanhGrad(Rows.load(a, ao, i), Rows.load(b, bo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case QUICK_GELU_GRAD -> (a, ao, b, bo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) quickGeluGrad(Rows.load(a, ao, i), Rows.load(b, bo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case SILU_GRAD -> (a, ao, b, bo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) siluGrad(Rows.load(a, ao, i), Rows.load(b, bo, i)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            case RELU_GRAD -> (a, ao, b, bo, o, oo, bound) -> { for (int i = 0; i < bound; i += n) Rows.load(b, bo, i).blend(0f, Rows.load(a, ao, i).compare(VectorOperators.LE, 0f)).intoMemorySegment(o, oo * 4 + i * 4L, LE); };
            default -> null;
        };
    }

    private static FloatVector rsqrt(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(x.lanewise(VectorOperators.SQRT));
    }

    private static FloatVector reciprocal(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(x);
    }

    private static FloatVector gelu(FloatVector x) {
        return x.mul(normalCdf(x));
    }

    private static FloatVector quickGelu(FloatVector x) {
        return x.mul(sigmoid(x.mul(1.702f)));
    }

    private static FloatVector silu(FloatVector x) {
        return x.mul(sigmoid(x));
    }

    private static FloatVector geluTanh(FloatVector x) {
        return x.mul(0.5f).mul(tanh(x.mul(x).mul(x).mul(0.044715f).add(x).mul(SQRT_2_OVER_PI)).add(1f));
    }

    /** Whether the F32 elementwise kernel covers op (comparisons write BOOL elsewhere). */
    static boolean vectorizable(BinaryOp op) {
        return !op.isComparison();
    }

    /** Whether op is one of the six operations of {@link #arithmetic}. */
    static boolean isArithmetic(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAX, MIN -> true;
            default -> false;
        };
    }

    /** op(a, b) for the plain arithmetic ops: small enough to be inlined into any loop. */
    static FloatVector arithmetic(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.lanewise(VectorOperators.MAX, b);
            default -> a.lanewise(VectorOperators.MIN, b);
        };
    }

    /** Gradients of the activations: a is the activation's input, b the upstream gradient. */
    private static FloatVector geluGrad(FloatVector a, FloatVector b) {
        FloatVector pdf = exp(a.mul(a).mul(-0.5f)).mul(INV_SQRT_2PI);
        return b.mul(normalCdf(a).add(a.mul(pdf)));
    }

    private static FloatVector geluTanhGrad(FloatVector a, FloatVector b) {
        FloatVector inner = a.mul(a).mul(a).mul(0.044715f).add(a).mul(SQRT_2_OVER_PI);
        FloatVector t = tanh(inner);
        FloatVector dInner = a.mul(a).mul(3 * 0.044715f).add(1f).mul(SQRT_2_OVER_PI);
        FloatVector d = t.add(1f).mul(0.5f).add(a.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(dInner));
        return b.mul(d);
    }

    private static FloatVector quickGeluGrad(FloatVector a, FloatVector b) {
        FloatVector s = sigmoid(a.mul(1.702f));
        return b.mul(s.add(a.mul(1.702f).mul(s).mul(s.neg().add(1f))));
    }

    private static FloatVector siluGrad(FloatVector a, FloatVector b) {
        FloatVector s = sigmoid(a);
        return b.mul(s.mul(a.mul(s.neg().add(1f)).add(1f)));
    }
}
