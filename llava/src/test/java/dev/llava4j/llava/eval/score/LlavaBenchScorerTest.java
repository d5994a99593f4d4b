package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.Fixtures;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.JsonLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The LLaVA-Bench case must match parse_score + summarize_gpt_review.py exactly. */
class LlavaBenchScorerTest {

    private static final Path REVIEWS = Fixtures.path("llavabench", "gpt4_reviews_raw.jsonl");

    @Test
    @SuppressWarnings("unchecked")
    void printedNumbersMatchOfficialExactly() {
        ScoreResult r = new LlavaBenchScorer().score(new EvalInputs(REVIEWS, REVIEWS, null));
        JsonNode e = Fixtures.expected("llavabench").get("metrics");
        assertEquals(List.of("all", "llava_bench_complex", "llava_bench_conv", "llava_bench_detail"),
                List.copyOf(r.metrics().keySet()));
        e.properties().forEach(row -> {
            Map<String, Object> got = (Map<String, Object>) r.metrics().get(row.getKey());
            assertEquals(row.getValue().get("relative_pct").doubleValue(), (double) got.get("relative"), row.getKey());
            assertEquals(row.getValue().get("gpt4_x10").doubleValue(), (double) got.get("gpt4"), row.getKey());
            assertEquals(row.getValue().get("model_x10").doubleValue(), (double) got.get("model"), row.getKey());
        });
    }

    @Test
    void everyReviewParsesLikeParseScore() {
        List<JsonLine> lines = AnswerFile.read(REVIEWS).lines();
        JsonNode perItem = Fixtures.expected("llavabench").get("per_item");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode t = perItem.get(i).get("tuple");
            assertArrayEquals(new double[] {t.get(0).doubleValue(), t.get(1).doubleValue()},
                    LlavaBenchScorer.pair(lines.get(i)), "review " + (i + 1));
        }
    }

    @Test
    void parseScoreRules() {
        assertArrayEquals(new double[] {8, 7}, LlavaBenchReviewParser.parse("8,7\nComma separated."));
        assertArrayEquals(new double[] {10, 9}, LlavaBenchReviewParser.parse("1e1 9.\nok"));
        assertArrayEquals(LlavaBenchReviewParser.FAILED, LlavaBenchReviewParser.parse("8, 7\nthree fields"));
        assertArrayEquals(LlavaBenchReviewParser.FAILED, LlavaBenchReviewParser.parse("9  6"));
        assertArrayEquals(LlavaBenchReviewParser.FAILED, LlavaBenchReviewParser.parse("Score: 8 9"));
        assertArrayEquals(LlavaBenchReviewParser.FAILED, LlavaBenchReviewParser.parse("eight 9"));
        assertArrayEquals(LlavaBenchReviewParser.FAILED, LlavaBenchReviewParser.parse(""));
    }

    @Test
    void reviewsWithATupleFieldUseIt(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("reviews.jsonl");
        Files.writeString(f, """
                {"question_id": 0, "category": "llava_bench_conv", "content": "ignored", "tuple": [8.0, 6.0]}
                {"question_id": 1, "category": "llava_bench_conv", "content": "ignored", "tuple": [6.0, 6.0]}
                """);
        ScoreResult r = new LlavaBenchScorer().score(new EvalInputs(f, null, null));
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) r.metrics().get("all");
        assertEquals(85.7, all.get("relative"));
        assertEquals(70.0, all.get("gpt4"));
        assertEquals(60.0, all.get("model"));
    }
}
