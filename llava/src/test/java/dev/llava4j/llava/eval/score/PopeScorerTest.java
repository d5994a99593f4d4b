package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.Fixtures;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.py.PyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The POPE case must match eval_pope.py's numbers exactly, category by category. */
class PopeScorerTest {

    private static final Path COCO = Fixtures.path("pope", "coco");
    private static final Path QUESTIONS = Fixtures.path("pope", "llava_pope_test.jsonl");
    private static final Path ANSWERS = Fixtures.path("pope", "answers/llava-v1.5-13b.jsonl");

    @Test
    @SuppressWarnings("unchecked")
    void everyCategoryMatchesOfficialExactly() {
        ScoreResult r = new PopeScorer().score(new EvalInputs(ANSWERS, COCO, QUESTIONS));
        JsonNode expected = Fixtures.expected("pope").get("metrics");
        assertEquals(List.of("adversarial", "popular", "random"), List.copyOf(r.metrics().keySet()));
        for (String category : List.of("adversarial", "popular", "random")) {
            Map<String, Object> got = (Map<String, Object>) r.metrics().get(category);
            JsonNode e = expected.get(category);
            for (String k : List.of("accuracy", "precision", "recall", "f1", "yes_ratio")) {
                assertEquals(e.get(k).doubleValue(), (double) got.get(k), category + " " + k);
            }
            String summary = String.join(", ", List.of("f1", "accuracy", "precision", "recall", "yes_ratio").stream()
                    .map(k -> PyFormat.fixed((double) got.get(k), 3)).toList());
            assertEquals(e.get("summary_line").textValue(), summary, category);
            for (String k : List.of("samples", "TP", "FP", "TN", "FN")) {
                assertEquals(e.get(k).intValue(), got.get(k), category + " " + k);
            }
        }
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    }

    @Test
    void everyAnswerIsParsedAsTheOfficialRuleDoes() {
        for (JsonNode item : Fixtures.expected("pope").get("per_item")) {
            boolean no = PopeAnswerParser.isNo(item.get("text").textValue());
            assertEquals(item.get("parsed").textValue(), no ? "no" : "yes", item.get("text").toString());
        }
    }

    @Test
    void parserRules() {
        assertTrue(PopeAnswerParser.isNo("No"));
        assertTrue(PopeAnswerParser.isNo("No, there is none."));
        assertTrue(PopeAnswerParser.isNo("not sure"));
        assertTrue(PopeAnswerParser.isNo("yes, no"));
        assertFalse(PopeAnswerParser.isNo("NO"));
        assertFalse(PopeAnswerParser.isNo("No!"));
        assertFalse(PopeAnswerParser.isNo("Nope"));
        assertFalse(PopeAnswerParser.isNo(""));
        assertFalse(PopeAnswerParser.isNo("no\nthere"));     // split on ' ' only
        assertFalse(PopeAnswerParser.isNo("Yes. But no."));  // only the first sentence counts
        assertFalse(PopeAnswerParser.isNo("2.5 no"));
    }

    @Test
    void pairsByPositionAndWarnsOnLengthMismatch() {
        List<String> warnings = new ArrayList<>();
        PopeScorer.CategoryScore s = PopeScorer.scoreCategory("c", List.of("Yes", "No", "Yes"),
                List.of(true, true), warnings);
        assertEquals(1, s.tp());
        assertEquals(1, s.fn());
        assertEquals(2.0 / 3, s.yesRatio()); // over all answers, like the official pred_list
        assertEquals(1, warnings.size());
    }

    @Test
    void undefinedRatesAreNullInsteadOfACrash() {
        List<String> warnings = new ArrayList<>();
        PopeScorer.CategoryScore s = PopeScorer.scoreCategory("c", List.of("No", "No"), List.of(true, false), warnings);
        assertNull(s.precision());
        assertNull(s.f1());
        assertEquals(0.0, s.recall());
        assertEquals(0.5, s.accuracy());
        assertEquals(1, warnings.size());
    }

    @Test
    void categoryWithoutAnswersIsLeftOutWithAWarning(@TempDir Path tmp) throws Exception {
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(ANSWERS)) {
            if (!line.contains("\"question_id\": 2000")) { // drop the popular answers
                kept.add(line);
            }
        }
        Path answers = tmp.resolve("a.jsonl");
        Files.write(answers, kept);
        ScoreResult r = new PopeScorer().score(new EvalInputs(answers, COCO, QUESTIONS));
        assertEquals(List.of("adversarial", "random"), List.copyOf(r.metrics().keySet()));
        assertTrue(r.warnings().getFirst().contains("popular"), r.warnings().toString());
    }
}
