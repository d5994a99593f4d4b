package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.Fixtures;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.py.PyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GQA case must match convert_gqa_for_eval.py + the patched GQA eval.py exactly. */
class GqaScorerTest {

    private static final Path QUESTIONS = Fixtures.path("gqa", "testdev_balanced_questions.json");
    private static final Path ANSWERS = Fixtures.path("gqa", "answers/llava-v1.5-13b.jsonl");

    @Test
    @SuppressWarnings("unchecked")
    void metricsMatchOfficialExactly() {
        ScoreResult r = new GqaScorer().score(new EvalInputs(ANSWERS, QUESTIONS, null));
        JsonNode full = Fixtures.expected("gqa").get("metrics").get("full");
        JsonNode printed = Fixtures.expected("gqa").get("metrics").get("printed");
        for (String k : List.of("accuracy", "binary", "open")) {
            double fraction = (double) r.metrics().get(k);
            assertEquals(full.get(k).doubleValue(), fraction * 100, k);
            assertEquals(printed.get(k).textValue(), PyFormat.fixed(fraction * 100, 2), k);
        }
        assertEquals(full.get("distribution").doubleValue(), (double) r.metrics().get("distribution"));
        assertEquals(printed.get("distribution").textValue(), PyFormat.fixed((double) r.metrics().get("distribution"), 2));

        JsonNode sections = Fixtures.expected("gqa").get("metrics").get("full_sections");
        Map<String, String> names = Map.of("structural", "accuracyPerStructuralType", "semantic",
                "accuracyPerSemanticType", "steps", "accuracyPerSteps", "words", "accuracyPerLength");
        names.forEach((ours, theirs) -> {
            Map<String, Object> got = (Map<String, Object>) r.metrics().get(ours);
            JsonNode want = sections.get(theirs);
            assertEquals(want.size(), got.size(), ours);
            List<String> wantKeys = new java.util.ArrayList<>();
            want.properties().forEach(e -> {
                wantKeys.add(e.getKey());
                Map<String, Object> cell = (Map<String, Object>) got.get(e.getKey());
                assertEquals(e.getValue().get("accuracy_pct").doubleValue(), (double) cell.get("accuracy") * 100,
                        ours + " " + e.getKey());
                assertEquals(e.getValue().get("questions").intValue(), cell.get("questions"), ours + " " + e.getKey());
            });
            assertEquals(wantKeys, List.copyOf(got.keySet()), ours + " order"); // sorted; steps/words numerically
        });
    }

    @Test
    void converterRuleStripsOnlyTrailingDotsThenLowerCases() {
        assertEquals("yes", GqaScorer.prediction("Yes..."));
        assertEquals(" cloudy", GqaScorer.prediction(" Cloudy."));
        assertEquals("yes ", GqaScorer.prediction("yes ."));
        assertEquals("wood!", GqaScorer.prediction("Wood!"));
        assertEquals("a.b", GqaScorer.prediction("a.b"));
    }

    @Test
    void stepsIgnoreExistAndNameQueriesBySubstring() throws Exception {
        JsonNode ops = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                [{"operation": "select", "argument": "coexisting (11)"},
                 {"operation": "exist", "argument": "?"},
                 {"operation": "query", "argument": "name"},
                 {"operation": "choose name", "argument": "a|b"},
                 {"operation": "relate", "argument": "x"}]""");
        assertEquals(1, GqaScorer.stepCount(ops));
    }

    @Test
    void missingPredictionIsAClearError(@TempDir Path tmp) throws Exception {
        Path answers = tmp.resolve("a.jsonl");
        Files.write(answers, Files.readAllLines(ANSWERS).subList(1, 30));
        EvalInputException e = assertThrows(EvalInputException.class,
                () -> new GqaScorer().score(new EvalInputs(answers, QUESTIONS, null)));
        assertTrue(e.getMessage().contains("no prediction"), e.getMessage());
    }
}
