package dev.llava4j.backend.cpu.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LanesTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void shuffleTreeSumIsBitIdenticalToTheArrayTree() {
        SplittableRandom random = new SplittableRandom(7);
        float[] lanes = new float[S.length()];
        for (int trial = 0; trial < 10_000; trial++) {
            for (int i = 0; i < lanes.length; i++) {
                // mixed magnitudes, so that a different addition order would round differently
                lanes[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-6, 7)));
            }
            FloatVector v = FloatVector.fromArray(S, lanes, 0);
            assertEquals(Float.floatToRawIntBits(Lanes.sumByArray(v)), Float.floatToRawIntBits(Lanes.sum(v)),
                    "trial " + trial);
        }
    }

    @Test
    void sumsInTheDocumentedOrder() {
        float[] lanes = new float[S.length()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = i + 1;
        }
        float expected = lanes.length * (lanes.length + 1) / 2f;
        assertEquals(expected, Lanes.sum(FloatVector.fromArray(S, lanes, 0)));
        // 1e8 + 1 - 1e8 ... : with 8 lanes the tree adds lane i to lane i+4 first, so the 1s survive in pairs
        if (lanes.length == 8) {
            float[] tricky = {1e8f, 1, 1, 1, -1e8f, 1, 1, 1};
            assertEquals((1e8f + -1e8f) + (1 + 1) + ((1 + 1) + (1 + 1)), Lanes.sum(FloatVector.fromArray(S, tricky, 0)));
        }
    }
}
