package dev.llava4j.backend.cpu;

import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector forms of the elementwise functions (float32 lanes); scalar tails use the ops' reference definitions. */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
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

    static FloatVector apply(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case EXP -> exp(x);
            case LOG -> x.lanewise(VectorOperators.LOG);
            case SQRT -> x.lanewise(VectorOperators.SQRT);
            case RSQRT -> FloatVector.broadcast(S, 1f).div(x.lanewise(VectorOperators.SQRT));
            case TANH -> tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> x.max(0f);
            case GELU -> x.mul(normalCdf(x));
            case GELU_TANH -> x.mul(0.5f).mul(tanh(x.mul(x).mul(x).mul(0.044715f).add(x).mul(SQRT_2_OVER_PI)).add(1f));
            case QUICK_GELU -> x.mul(sigmoid(x.mul(1.702f)));
            case SILU -> x.mul(sigmoid(x));
            case ABS -> x.abs();
            case SIN -> x.lanewise(VectorOperators.SIN);
            case COS -> x.lanewise(VectorOperators.COS);
            case RECIPROCAL -> FloatVector.broadcast(S, 1f).div(x);
            case SQUARE -> x.mul(x);
        };
    }

    /** Whether {@link #apply(BinaryOp, FloatVector, FloatVector)} covers op (comparisons write BOOL elsewhere). */
    static boolean vectorizable(BinaryOp op) {
        return !op.isComparison();
    }

    static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> a.lanewise(VectorOperators.POW, b);
            case MAX -> a.lanewise(VectorOperators.MAX, b);
            case MIN -> a.lanewise(VectorOperators.MIN, b);
            case GELU_GRAD -> {
                FloatVector pdf = exp(a.mul(a).mul(-0.5f)).mul(INV_SQRT_2PI);
                yield b.mul(normalCdf(a).add(a.mul(pdf)));
            }
            case GELU_TANH_GRAD -> {
                FloatVector inner = a.mul(a).mul(a).mul(0.044715f).add(a).mul(SQRT_2_OVER_PI);
                FloatVector t = tanh(inner);
                FloatVector dInner = a.mul(a).mul(3 * 0.044715f).add(1f).mul(SQRT_2_OVER_PI);
                FloatVector d = t.add(1f).mul(0.5f).add(a.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(dInner));
                yield b.mul(d);
            }
            case QUICK_GELU_GRAD -> {
                FloatVector s = sigmoid(a.mul(1.702f));
                yield b.mul(s.add(a.mul(1.702f).mul(s).mul(s.neg().add(1f))));
            }
            case SILU_GRAD -> {
                FloatVector s = sigmoid(a);
                yield b.mul(s.mul(a.mul(s.neg().add(1f)).add(1f)));
            }
            case RELU_GRAD -> b.blend(0f, a.compare(VectorOperators.LE, 0f));
            default -> throw new IllegalArgumentException("not a vector op: " + op);
        };
    }
}
