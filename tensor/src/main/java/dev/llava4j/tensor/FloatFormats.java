package dev.llava4j.tensor;

/**
 * Conversions between {@code float} and the 16-bit storage formats bfloat16 and IEEE binary16 (half).
 * Narrowing rounds to nearest, ties to even; infinities stay infinite and NaN stays NaN.
 */
public final class FloatFormats {

    private static final int BF16_QUIET_BIT = 0x0040;

    private FloatFormats() {
    }

    /**
     * Nearest bfloat16 (the upper 16 bits of a float), ties to even. Values beyond the bfloat16 range
     * round to infinity like any other rounding overflow. NaN keeps its sign and upper payload bits and is
     * made quiet, because plain truncation could turn a NaN with only low payload bits into infinity.
     */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | BF16_QUIET_BIT);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds the dropped 16 bits half-to-even in integer arithmetic;
        // a carry into the exponent is the correct result (next binade, or infinity at the top).
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** Exact: every bfloat16 value is a float. */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /**
     * Nearest IEEE binary16, ties to even, with correct subnormals; magnitudes that round above 65504
     * become infinity. Delegates to {@link Float#floatToFloat16}, whose contract is exactly this rounding
     * (round to nearest even, overflow to infinity); the tests check it exhaustively on all ties.
     */
    public static short floatToF16(float value) {
        return Float.floatToFloat16(value);
    }

    /** Exact: every binary16 value is a float. */
    public static float f16ToFloat(short f16) {
        return Float.float16ToFloat(f16);
    }
}
