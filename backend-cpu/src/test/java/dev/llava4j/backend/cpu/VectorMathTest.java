package dev.llava4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deterministic vector exp/tanh against java.lang.Math, and the deterministic lane sum. */
class VectorMathTest {

    private static float lane0(FloatVector v) {
        return v.lane(0);
    }

    @Test
    void expIsWithinTwoUlpOverTheFloatRange() {
        int worst = 0;
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            float got = lane0(VectorMath.exp(FloatVector.broadcast(VectorMath.S, x)));
            float want = (float) Math.exp(x);
            int ulps = Math.abs(Float.floatToIntBits(got) - Float.floatToIntBits(want));
            worst = Math.max(worst, ulps);
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
        assertEquals(0f, lane0(VectorMath.exp(FloatVector.broadcast(VectorMath.S, Float.NEGATIVE_INFINITY))));
        assertEquals(Float.POSITIVE_INFINITY, lane0(VectorMath.exp(FloatVector.broadcast(VectorMath.S, 100f))));
        assertTrue(Float.isNaN(lane0(VectorMath.exp(FloatVector.broadcast(VectorMath.S, Float.NaN)))));
        assertEquals(1f, lane0(VectorMath.exp(FloatVector.broadcast(VectorMath.S, 0f))));
    }

    @Test
    void tanhMatchesMath() {
        for (float x = -12f; x <= 12f; x += 0.01f) {
            float got = lane0(VectorMath.tanh(FloatVector.broadcast(VectorMath.S, x)));
            assertEquals(Math.tanh(x), got, 2e-7, "tanh(" + x + ")");
        }
    }

    @Test
    void laneSumIsExactForIntegersAndOrderIndependentOfJit() {
        float[] a = new float[VectorMath.S.length()];
        for (int i = 0; i < a.length; i++) {
            a[i] = i + 1;
        }
        FloatVector v = FloatVector.fromArray(VectorMath.S, a, 0);
        float first = dev.llava4j.backend.cpu.kernel.Lanes.sum(v);
        assertEquals(a.length * (a.length + 1) / 2f, first);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(first, dev.llava4j.backend.cpu.kernel.Lanes.sum(v));
        }
    }
}
