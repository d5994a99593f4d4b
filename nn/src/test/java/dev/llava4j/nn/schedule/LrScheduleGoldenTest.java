package dev.llava4j.nn.schedule;

import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.optim.AdamW;
import dev.llava4j.nn.optim.ParamGroup;
import dev.llava4j.nn.testutil.Golden;
import dev.llava4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Schedules equal Hugging Face's formulas as LambdaLR applies them (fixtures/optim/schedule.safetensors: the lr before
 * optimizer step k for base lr 1), to 1e-12 absolute.
 */
class LrScheduleGoldenTest {
    private static final Golden GOLDEN = Golden.load("schedule.safetensors");
    private static final double TOL = 1e-12;

    private static void assertFactors(String name, LrSchedule s) {
        double[] want = GOLDEN.get(name).toDoubleArray();
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], s.factor(k), TOL, name + " at step " + k);
        }
    }

    @Test
    void cosineWithWarmupMatchesHuggingFace() {
        assertFactors("cosine", LrSchedule.cosineWithWarmup(5, 20));
        assertFactors("cosine_nowarmup", LrSchedule.cosineWithWarmup(0, 7));
        // spot values of the formula: half way through the decay is 0.5, the end is 0
        assertEquals(0.5, LrSchedule.cosineWithWarmup(5, 25).factor(15), TOL);
        assertEquals(0.0, LrSchedule.cosineWithWarmup(5, 25).factor(25), TOL);
    }

    @Test
    void constantAndLinearWithWarmupMatchHuggingFace() {
        assertFactors("constant", LrSchedule.constantWithWarmup(5));
        assertFactors("linear", LrSchedule.linearWithWarmup(5, 20));
    }

    @Test
    void applySetsEveryGroupToItsInitialLrTimesTheFactor() {
        ParamGroup a = new ParamGroup(Map.of("a", new Parameter(Tensor.zeros(1))), 0.1, 0);
        ParamGroup b = new ParamGroup(Map.of("b", new Parameter(Tensor.zeros(1))), 0.02, 0);
        AdamW opt = new AdamW(List.of(a, b));
        LrSchedule s = LrSchedule.cosineWithWarmup(4, 10);
        s.apply(opt, 2);
        assertEquals(0.05, a.lr(), 1e-15);
        assertEquals(0.01, b.lr(), 1e-15);
        s.apply(opt, 4);
        assertEquals(0.1, a.lr(), 1e-15, "scaled from the initial lr, not the current one");
    }

    @Test
    void negativeStepCountsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosineWithWarmup(-1, 10));
        assertEquals("warmupSteps must be >= 0, got -1", e.getMessage());
    }
}
