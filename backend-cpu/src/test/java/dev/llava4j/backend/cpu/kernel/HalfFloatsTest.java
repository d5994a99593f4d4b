package dev.llava4j.backend.cpu.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/** The vector BF16/F16 conversions agree bit for bit with the scalar definitions on all 65536 patterns. */
class HalfFloatsTest {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    /** F16 reference from the IEEE 754 definition; NaN payloads keep their bits (shifted into place). */
    private static int f16ReferenceBits(int h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return sign | 0x7F80_0000 | (mantissa << 13);
        }
        float value = (exponent == 0 ? mantissa * 0x1p-24f : (1024 + mantissa) * (float) Math.scalb(1.0, exponent - 25));
        return sign | Float.floatToRawIntBits(value);
    }

    @Test
    void everyF16PatternConvertsExactly() {
        checkAll(false);
    }

    @Test
    void everyBf16PatternConvertsExactly() {
        checkAll(true);
    }

    /** Places every pattern once in the low (even) and once in the high (odd) half of an int lane. */
    private static void checkAll(boolean bf16) {
        int lanes = I.length();
        int[] pairs = new int[lanes];
        float[] even = new float[lanes];
        float[] odd = new float[lanes];
        for (int base = 0; base < 65536; base += lanes) {
            for (int t = 0; t < lanes; t++) {
                int low = base + t;
                int high = (base + t + 12345) & 0xFFFF; // a different pattern in the other half
                pairs[t] = (high << 16) | low;
            }
            IntVector v = IntVector.fromArray(I, pairs, 0);
            FloatVector e = bf16 ? HalfFloats.bf16Even(v) : HalfFloats.f16Even(v);
            FloatVector o = bf16 ? HalfFloats.bf16Odd(v) : HalfFloats.f16Odd(v);
            e.intoArray(even, 0);
            o.intoArray(odd, 0);
            for (int t = 0; t < lanes; t++) {
                int low = pairs[t] & 0xFFFF;
                int high = pairs[t] >>> 16;
                assertEquals(expectedBits(low, bf16), Float.floatToRawIntBits(even[t]),
                        () -> "even lane, pattern 0x" + Integer.toHexString(low));
                assertEquals(expectedBits(high, bf16), Float.floatToRawIntBits(odd[t]),
                        () -> "odd lane, pattern 0x" + Integer.toHexString(high));
            }
        }
    }

    private static int expectedBits(int pattern, boolean bf16) {
        return bf16 ? pattern << 16 : f16ReferenceBits(pattern);
    }

    @Test
    void scalarF16MatchesReferenceForAllNonNaN() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals(f16ReferenceBits(h), Float.floatToRawIntBits(f), "pattern 0x" + Integer.toHexString(h));
            } else {
                assertEquals(0x7C00, h & 0x7C00, "NaN from a finite pattern 0x" + Integer.toHexString(h));
            }
        }
    }
}
