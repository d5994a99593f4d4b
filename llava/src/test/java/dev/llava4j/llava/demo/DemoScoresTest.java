package dev.llava4j.llava.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoScoresTest {

    private static EvalItem item(String id, QuestionKind kind, String format, String answer, String label) {
        String q = "Q " + id + "?";
        return new EvalItem(id, "eval/000000.png", kind, format, q, q, answer, answer, label, null);
    }

    @Test
    void normalisesCaseSpaceAndATrailingPeriod() {
        assertEquals("top left", DemoScores.normalize("  Top left. "));
        assertEquals("red", DemoScores.normalize("RED"));
        assertEquals("the circle is red", DemoScores.normalize("The circle is red."));
    }

    @Test
    void fullSentenceNeedsThreeWordsAndAPeriod() {
        assertTrue(DemoScores.isFullSentence("The circle is red."));
        assertFalse(DemoScores.isFullSentence("The circle is red"));
        assertFalse(DemoScores.isFullSentence("Top left."));
        assertFalse(DemoScores.isFullSentence(""));
    }

    @Test
    void scoresEveryMetricFromHandCountedAnswers() {
        List<EvalItem> items = List.of(
                item("c1", QuestionKind.COLOR, EvalItem.SHORT, "Red", null),
                item("c2", QuestionKind.COLOR, EvalItem.SHORT, "Blue", null),
                item("s1", QuestionKind.SHAPE, EvalItem.SHORT, "Circle", null),
                item("n1", QuestionKind.COUNT, EvalItem.SHORT, "2", null),
                item("p1", QuestionKind.POSITION, EvalItem.SHORT, "Top left", null),
                item("f1", QuestionKind.COLOR, EvalItem.FREE, "The circle is red.", null),
                item("f2", QuestionKind.SHAPE, EvalItem.FREE, "The red object is a circle.", null),
                item("y1", QuestionKind.EXISTENCE, EvalItem.SHORT, "Yes", "yes"),
                item("y2", QuestionKind.EXISTENCE, EvalItem.SHORT, "Yes", "yes"),
                item("n2", QuestionKind.EXISTENCE, EvalItem.SHORT, "No", "no"),
                item("n3", QuestionKind.EXISTENCE, EvalItem.SHORT, "No", "no"));
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("c1", "red.");                       // right
        answers.put("c2", "Green");                      // wrong
        answers.put("s1", "The object is a circle.");    // wrong format, wrong answer
        answers.put("n1", "2");                          // right
        answers.put("p1", "Top left");                   // right
        answers.put("f1", "The circle is red.");         // sentence, right
        answers.put("f2", "Circle");                     // not a sentence
        answers.put("y1", "Yes");                        // TP
        answers.put("y2", "No");                         // FN
        answers.put("n2", "Yes");                        // FP
        answers.put("n3", "No");                         // TN
        DemoScores s = DemoScores.score(items, answers);
        assertEquals(3 / 5.0, s.shortAnswerAccuracy(), 1e-12);
        assertEquals(1 / 3.0, s.colorShapeAccuracy(), 1e-12);
        assertEquals(0.5, s.accuracyByKind().get("color"), 1e-12);
        assertEquals(0.0, s.accuracyByKind().get("shape"), 1e-12);
        assertEquals(1.0, s.accuracyByKind().get("count"), 1e-12);
        assertEquals(2, s.questionsByKind().get("color"));
        assertEquals(4 / 5.0, s.shortFormatRateWithPrompt(), 1e-12);
        assertEquals(0.5, s.fullSentenceRateWithoutPrompt(), 1e-12);
        assertEquals(0.5, s.sentenceAccuracyWithoutPrompt(), 1e-12);
        assertEquals(4, s.pope().samples());
        assertEquals(0.5, s.pope().accuracy(), 1e-12);
        assertEquals(0.5, s.pope().precision(), 1e-12);
        assertEquals(0.5, s.pope().recall(), 1e-12);
        assertEquals(0.5, s.pope().f1(), 1e-12);
        assertEquals(0.5, s.popeF1(), 1e-12);
        assertEquals(0.5, s.pope().yesRatio(), 1e-12);
        Map<String, Object> json = s.toJson();
        assertEquals(List.of("short_answer_accuracy", "full_sentence_rate_without_prompt", "pope_f1"),
                json.keySet().stream().limit(3).toList());
        assertTrue(DemoScores.isCorrect(items.get(0), "red."));
        assertFalse(DemoScores.isCorrect(items.get(0), null));
    }

    @Test
    void popeF1IsZeroWhenNoPresentObjectIsFound() {
        List<EvalItem> items = List.of(
                item("y1", QuestionKind.EXISTENCE, EvalItem.SHORT, "Yes", "yes"),
                item("y2", QuestionKind.EXISTENCE, EvalItem.SHORT, "Yes", "yes"),
                item("n1", QuestionKind.EXISTENCE, EvalItem.SHORT, "No", "no"));
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("y1", "No");                         // FN
        answers.put("y2", "No");                         // FN
        answers.put("n1", "Yes");                        // FP
        DemoScores s = DemoScores.score(items, answers);
        assertNull(s.pope().f1());                       // eval_pope's 2PR/(P+R) divides by zero here
        assertEquals(0.0, s.popeF1(), 0.0);
        assertEquals(0.0, s.toJson().get("pope_f1"));
    }

    @Test
    void aMissingAnswerNamesTheQuestion() {
        List<EvalItem> items = List.of(item("c1", QuestionKind.COLOR, EvalItem.SHORT, "Red", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoScores.score(items, Map.of()));
        assertTrue(e.getMessage().contains("c1"), e.getMessage());
    }
}
