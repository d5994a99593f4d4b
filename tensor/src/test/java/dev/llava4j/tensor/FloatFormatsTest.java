package dev.llava4j.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatFormatsTest {

    private static boolean isF16NaN(short h) {
        return (h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0;
    }

    private static boolean isBf16NaN(short h) {
        return (h & 0x7F80) == 0x7F80 && (h & 0x007F) != 0;
    }

    @Test
    void everyBf16PatternRoundTrips() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = FloatFormats.bf16ToFloat(h);
            assertEquals(Float.intBitsToFloat(bits << 16), f, 0.0f);
            short back = FloatFormats.floatToBf16(f);
            if (isBf16NaN(h)) {
                assertTrue(isBf16NaN(back), Integer.toHexString(bits));
                assertEquals((bits | 0x0040) & 0xFFFF, back & 0xFFFF, "NaN keeps sign and payload, becomes quiet: " + Integer.toHexString(bits));
            } else {
                assertEquals(bits, back & 0xFFFF, Integer.toHexString(bits));
            }
        }
    }

    @Test
    void everyF16PatternRoundTrips() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = FloatFormats.f16ToFloat(h);
            short back = FloatFormats.floatToF16(f);
            if (isF16NaN(h)) {
                assertTrue(Float.isNaN(f));
                assertTrue(isF16NaN(back), Integer.toHexString(bits));
                assertEquals(h & 0x8000, back & 0x8000, "NaN sign");
            } else {
                assertEquals(bits, back & 0xFFFF, Integer.toHexString(bits));
            }
        }
    }

    @Test
    void f16DecodesKnownValues() {
        assertEquals(1.0f, FloatFormats.f16ToFloat((short) 0x3C00));
        assertEquals(-2.0f, FloatFormats.f16ToFloat((short) 0xC000));
        assertEquals(65504.0f, FloatFormats.f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, FloatFormats.f16ToFloat((short) 0x0001)); // smallest subnormal
        assertEquals(0x1p-14f, FloatFormats.f16ToFloat((short) 0x0400)); // smallest normal
        assertEquals(Float.POSITIVE_INFINITY, FloatFormats.f16ToFloat((short) 0x7C00));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(FloatFormats.f16ToFloat((short) 0x8000)));
    }

    /**
     * Every exact midpoint between two neighbouring finite values must round to the one with an even last bit,
     * and a float just beside the midpoint to the nearer one. Midpoints need one bit more than the format,
     * so they are exact floats. Covers subnormals, binade changes and the overflow to infinity.
     */
    @Test
    void everyF16TieRoundsToEven() {
        for (int bits = 0; bits < 0x7C00; bits++) { // non-negative finite values
            float lo = FloatFormats.f16ToFloat((short) bits);
            float hi = FloatFormats.f16ToFloat((short) (bits + 1)); // 0x7C00 = +Inf: mid is 65520
            float mid = bits == 0x7BFF ? 65520f : (lo + hi) / 2;
            int even = (bits & 1) == 0 ? bits : bits + 1;
            assertEquals(even, FloatFormats.floatToF16(mid) & 0xFFFF, "tie above " + Integer.toHexString(bits));
            assertEquals(even | 0x8000, FloatFormats.floatToF16(-mid) & 0xFFFF, "negative tie");
            assertEquals(bits, FloatFormats.floatToF16(Math.nextDown(mid)) & 0xFFFF, "below tie");
            assertEquals(bits + 1, FloatFormats.floatToF16(Math.nextUp(mid)) & 0xFFFF, "above tie");
        }
    }

    @Test
    void everyBf16TieRoundsToEven() {
        for (int bits = 0; bits < 0x7F80; bits++) {
            float lo = FloatFormats.bf16ToFloat((short) bits);
            // the value above 0x7F7F is infinity; its "midpoint" is 0x7F7F8000 as float bits
            float mid = Float.intBitsToFloat((bits << 16) | 0x8000);
            assertTrue(mid > lo);
            int even = (bits & 1) == 0 ? bits : bits + 1;
            assertEquals(even, FloatFormats.floatToBf16(mid) & 0xFFFF, "tie above " + Integer.toHexString(bits));
            assertEquals(even | 0x8000, FloatFormats.floatToBf16(-mid) & 0xFFFF, "negative tie");
            assertEquals(bits, FloatFormats.floatToBf16(Math.nextDown(mid)) & 0xFFFF, "below tie");
            assertEquals(bits + 1, FloatFormats.floatToBf16(Math.nextUp(mid)) & 0xFFFF, "above tie");
        }
    }

    @Test
    void handPickedRounding() {
        // 1 + 2^-11 is halfway between f16 1.0 (0x3C00, even) and 1+2^-10 (0x3C01): stays 1.0
        assertEquals(0x3C00, FloatFormats.floatToF16(1f + 0x1p-11f));
        // 1 + 3*2^-11 is halfway between 0x3C01 (odd) and 0x3C02 (even): goes up
        assertEquals(0x3C02, FloatFormats.floatToF16(1f + 3 * 0x1p-11f));
        assertEquals(0x7BFF, FloatFormats.floatToF16(65519.996f));
        assertEquals(0x7C00, FloatFormats.floatToF16(65520f)); // tie to even at the top = infinity
        assertEquals(0x7C00, FloatFormats.floatToF16(1e10f));
        assertEquals((short) 0xFC00, FloatFormats.floatToF16(Float.NEGATIVE_INFINITY));
        assertEquals(0x0000, FloatFormats.floatToF16(0x1p-25f)); // half the smallest subnormal, tie to 0
        assertEquals(0x0001, FloatFormats.floatToF16(Math.nextUp(0x1p-25f)));
        assertEquals(0x0002, FloatFormats.floatToF16(3 * 0x1p-25f)); // 1.5 subnormal ulps: tie to even 2
        assertTrue(isF16NaN(FloatFormats.floatToF16(Float.NaN)));

        // bf16: 1 + 2^-8 is halfway between 1.0 (0x3F80) and 1+2^-7 (0x3F81): stays 1.0
        assertEquals(0x3F80, FloatFormats.floatToBf16(1f + 0x1p-8f));
        assertEquals(0x3F82, FloatFormats.floatToBf16(1f + 3 * 0x1p-8f));
        assertEquals(0x3F81, FloatFormats.floatToBf16(Math.nextUp(1f + 0x1p-8f)));
        assertEquals(0x7F80, FloatFormats.floatToBf16(Float.MAX_VALUE)); // rounds past the bf16 maximum
        assertEquals(0x7F7F, FloatFormats.floatToBf16(Float.intBitsToFloat(0x7F7F7FFF)));
        assertEquals((short) 0xFF80, FloatFormats.floatToBf16(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x8000, FloatFormats.floatToBf16(-0.0f));
        // subnormal ties: between 0 (even) and 1 -> 0; between 1 and 2 (even) -> 2
        assertEquals(0x0000, FloatFormats.floatToBf16(Float.intBitsToFloat(0x00008000)));
        assertEquals(0x0002, FloatFormats.floatToBf16(Float.intBitsToFloat(0x00018000)));
    }

    @Test
    void nanStaysNanInBf16EvenWithOnlyLowPayloadBits() {
        // truncation would give 0x7F80 = +Inf; the quiet bit keeps it a NaN
        float lowPayloadNaN = Float.intBitsToFloat(0x7F800001);
        assertTrue(Float.isNaN(lowPayloadNaN));
        assertEquals(0x7FC0, FloatFormats.floatToBf16(lowPayloadNaN));
        assertEquals((short) 0xFFC0, FloatFormats.floatToBf16(Float.intBitsToFloat(0xFF800001)));
        assertTrue(Float.isNaN(FloatFormats.bf16ToFloat(FloatFormats.floatToBf16(Float.NaN))));
    }
}
