package dev.llava4j.backend.cpu.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * BF16 and F16 to F32 conversion, scalar and vector.
 *
 * <p>The vector forms read pairs of 16-bit values packed into the int lanes of one
 * {@link IntVector} (little-endian: element 2t is the low half of lane t, element 2t+1 the high
 * half) and return either the even or the odd elements as floats. Working on int lanes avoids any
 * shape-changing conversion (short lanes to int lanes), which is far slower on AVX-512; callers
 * that need the original element order arrange their other operand in the same even/odd order.
 */
public final class HalfFloats {

    private static final int F16_MAGNITUDE = 0x7FFF;
    private static final int F16_EXP_ALL_ONES = 0x7C00;
    private static final int F32_EXP_ALL_ONES = 0x7F80_0000;
    /** 2^(127-15): re-biases an F16 exponent that was shifted into F32 position. */
    private static final float F16_REBIAS = 0x1p112f;

    private HalfFloats() {
    }

    /** Scalar BF16 bits to float (exact). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** Scalar F16 bits to float (exact; intrinsic on x86 with F16C). */
    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Even elements (low halves) of BF16 pairs. */
    static FloatVector bf16Even(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Odd elements (high halves) of BF16 pairs: they already sit in float position. */
    static FloatVector bf16Odd(IntVector pairs) {
        return pairs.and(0xFFFF_0000).reinterpretAsFloats();
    }

    /** Even elements (low halves) of F16 pairs. */
    static FloatVector f16Even(IntVector pairs) {
        IntVector sign = pairs.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return f16Magnitude(pairs.and(F16_MAGNITUDE), sign);
    }

    /** Odd elements (high halves) of F16 pairs. */
    static FloatVector f16Odd(IntVector pairs) {
        IntVector magnitude = pairs.lanewise(VectorOperators.LSHR, 16).and(F16_MAGNITUDE);
        return f16Magnitude(magnitude, pairs.and(0x8000_0000));
    }

    /**
     * Converts F16 magnitudes (sign removed, one per int lane) and ORs in the F32 sign bits.
     * Shifting exponent and mantissa into F32 position and multiplying by 2^112 is exact for normal
     * and subnormal halves alike (an F16 subnormal becomes an F32 subnormal that the multiply
     * normalises); only exponent 31 (infinity, NaN) needs the F32 all-ones exponent patched in.
     */
    private static FloatVector f16Magnitude(IntVector magnitude, IntVector sign) {
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(F16_REBIAS).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, F16_EXP_ALL_ONES);
        IntVector bits = finite.blend(shifted.or(F32_EXP_ALL_ONES), special);
        return bits.or(sign).reinterpretAsFloats();
    }
}
