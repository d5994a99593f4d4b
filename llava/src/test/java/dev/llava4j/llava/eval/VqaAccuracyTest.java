package dev.llava4j.llava.eval;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VqaAccuracyTest {

    private static List<String> answers(String match, int m, String other) {
        List<String> l = new java.util.ArrayList<>(Collections.nCopies(m, match));
        l.addAll(Collections.nCopies(10 - m, other));
        return l;
    }

    @Test
    void softAccuracyByNumberOfMatchingAnnotators() {
        assertEquals(0.0, VqaAccuracy.score("x", answers("y", 10, "z")));
        assertEquals(0.3, VqaAccuracy.score("x", answers("x", 1, "z")), 1e-15);
        assertEquals(0.6, VqaAccuracy.score("x", answers("x", 2, "z")), 1e-15);
        assertEquals(0.9, VqaAccuracy.score("x", answers("x", 3, "z")), 1e-15);
        assertEquals(1.0, VqaAccuracy.score("x", answers("x", 4, "z")));
        assertEquals(1.0, VqaAccuracy.score("x", answers("x", 10, "z")));
    }

    @Test
    void sumsInListOrderSoTheLastBitDependsOnPositions() {
        // Case "what color is the text?" of the TextVQA fixture: official score 0.6000000000000001.
        List<String> gt = List.of("white", "black", "black", "blue", "black", "blue", "black", "white", "white", "black");
        assertEquals(0.6000000000000001, VqaAccuracy.score("blue", gt));
        // The same two matches at the front sum to exactly 0.6.
        assertEquals(0.6, VqaAccuracy.score("blue", answers("blue", 2, "black")));
    }

    @Test
    void answerScoresCoverEveryDistinctAnswer() {
        Map<String, Double> scores = VqaAccuracy.answerScores(List.of("a", "a", "a", "a", "b", "b", "b", "c", "c", "d"));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(scores.keySet()));
        assertEquals(1.0, scores.get("a"));
        assertEquals(0.9, scores.get("b"), 1e-15);
        assertEquals(0.6, scores.get("c"), 1e-15);
        assertEquals(0.3, scores.get("d"), 1e-15);
    }
}
