package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.Fixtures;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.io.AnswerFile;
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

/**
 * The SEED-Bench case: the official script only prints '%.2f' values, so the doubles are checked
 * through Python's formatting (half-even on the exact binary value) plus every item's correctness.
 */
class SeedBenchScorerTest {

    private static final Path ANNOTATIONS = Fixtures.path("seed_bench", "SEED-Bench.json");
    private static final Path ANSWERS = Fixtures.path("seed_bench", "answers/llava-v1.5-13b/merge.jsonl");

    @Test
    @SuppressWarnings("unchecked")
    void printedAccuraciesMatchOfficial() {
        ScoreResult r = new SeedBenchScorer().score(new EvalInputs(ANSWERS, ANNOTATIONS, null));
        JsonNode printed = Fixtures.expected("seed_bench").get("metrics").get("printed");
        assertEquals(printed.get("Total accuracy").textValue(), pct(r.metrics().get("accuracy")));
        assertEquals(printed.get("image accuracy").textValue(), pct(r.metrics().get("image_accuracy")));
        assertEquals(printed.get("video accuracy").textValue(), pct(r.metrics().get("video_accuracy")));
        Map<String, Object> types = (Map<String, Object>) r.metrics().get("types");
        assertEquals(10, types.size());
        types.forEach((name, acc) -> assertEquals(printed.get(name).textValue(), pct(acc), name));
        assertEquals(4.0 / 7, (double) r.metrics().get("accuracy")); // 16 of 28
    }

    private static String pct(Object fraction) {
        return PyFormat.fixed((double) fraction * 100, 2);
    }

    @Test
    void matchingIsExactAndRespectsIdTypes() {
        SeedBenchData data = SeedBenchData.read(ANNOTATIONS, AnswerFile.read(ANSWERS));
        JsonNode perItem = Fixtures.expected("seed_bench").get("per_item");
        assertEquals(perItem.size(), data.questions().size());
        for (int i = 0; i < perItem.size(); i++) {
            JsonNode e = perItem.get(i);
            SeedBenchData.Question q = data.questions().get(i);
            assertEquals(e.get("question_id").textValue(), q.questionId());
            assertEquals(e.get("text").textValue(), q.prediction(), q.questionId());
            assertEquals(e.get("correct").booleanValue(), SeedBenchScorer.isCorrect(q), q.questionId());
        }
    }

    @Test
    void stringIdForANumericQuestionDoesNotMatch(@TempDir Path tmp) throws Exception {
        List<String> lines = Files.readAllLines(ANSWERS).stream()
                .map(l -> l.replace("\"question_id\": 178713,", "\"question_id\": \"178713\",")).toList();
        Path answers = tmp.resolve("a.jsonl");
        Files.write(answers, lines);
        EvalInputException e = assertThrows(EvalInputException.class,
                () -> new SeedBenchScorer().score(new EvalInputs(answers, ANNOTATIONS, null)));
        assertTrue(e.getMessage().contains("178713"), e.getMessage());
    }
}
