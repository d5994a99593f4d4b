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
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TextVQA case must match eval_textvqa.py's numbers exactly (doubles compared with ==). */
class TextVqaScorerTest {

    private static final Path ANNOTATIONS = Fixtures.path("textvqa", "TextVQA_0.5.1_val.json");
    private static final Path ANSWERS = Fixtures.path("textvqa", "answers/llava-v1.5-13b.jsonl");

    @Test
    void accuracyMatchesOfficialExactly() {
        JsonNode expected = Fixtures.expected("textvqa").get("metrics");
        ScoreResult r = new TextVqaScorer().score(new EvalInputs(ANSWERS, ANNOTATIONS, null));
        assertEquals(expected.get("accuracy_fraction").doubleValue(), (double) r.metrics().get("accuracy"));
        assertEquals(expected.get("samples").intValue(), r.metrics().get("samples"));
        assertEquals(expected.get("accuracy_pct").doubleValue(), 100. * (double) r.metrics().get("accuracy"));
        assertEquals(expected.get("accuracy_pct_printed").textValue(),
                PyFormat.fixed(100. * (double) r.metrics().get("accuracy"), 2));
        assertTrue(r.warnings().isEmpty());
    }

    @Test
    void everyItemMatchesOfficialProcessingAndScore() {
        List<TextVqaScorer.Item> items = new TextVqaScorer().scoreItems(AnswerFile.read(ANSWERS),
                TextVqaScorer.readAnnotations(ANNOTATIONS));
        JsonNode perItem = Fixtures.expected("textvqa").get("per_item");
        assertEquals(perItem.size(), items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode e = perItem.get(i);
            TextVqaScorer.Item item = items.get(i);
            String ctx = "item " + i + " " + e.get("question_id");
            assertEquals(e.get("question_key").textValue(), item.questionKey(), ctx);
            assertEquals(e.get("pred_processed").textValue(), item.predictionProcessed(), ctx);
            List<String> gt = new ArrayList<>();
            e.get("gt_processed").forEach(g -> gt.add(g.textValue()));
            assertEquals(gt, item.groundTruthProcessed(), ctx);
            assertEquals(e.get("score").doubleValue(), item.score(), ctx);
        }
    }

    @Test
    void promptLayouts() {
        assertEquals("what is it?", TextVqaPrompt.question("What is it?\nReference OCR token: A, B\nAnswer briefly."));
        assertEquals("what is it?", TextVqaPrompt.question("Reference OCR token: A\nWhat is it?\nAnswer briefly."));
        assertEquals("what is it?", TextVqaPrompt.question("What is it?\nAnswer briefly."));
        assertEquals("what\nis it?", TextVqaPrompt.question("OCR tokens: x Question: What\nis it? Short answer:"));
        assertNull(TextVqaPrompt.question("What is it?"));
        assertNull(TextVqaPrompt.question("a\nb\nc"));
    }

    @Test
    void malformedLinesAreSkippedAndCounted(@TempDir Path tmp) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(ANSWERS));
        lines.add(3, "{not json");
        lines.add("");
        Path answers = tmp.resolve("answers.jsonl");
        Files.write(answers, lines);
        ScoreResult r = new TextVqaScorer().score(new EvalInputs(answers, ANNOTATIONS, null));
        assertEquals(2, r.skippedLines());
        assertEquals(Fixtures.expected("textvqa").get("metrics").get("accuracy_fraction").doubleValue(),
                (double) r.metrics().get("accuracy"));
        assertTrue(r.warnings().getFirst().contains("skipped 2 line(s)"), r.warnings().toString());
        assertTrue(r.toJson().endsWith(", \"skipped_lines\": 2}"), r.toJson());
    }

    @Test
    void unknownQuestionIsAClearError(@TempDir Path tmp) throws Exception {
        Path answers = tmp.resolve("a.jsonl");
        Files.writeString(answers, "{\"question_id\": \"nope\", \"prompt\": \"Q?\\nAnswer.\", \"text\": \"x\"}\n");
        EvalInputException e = assertThrows(EvalInputException.class,
                () -> new TextVqaScorer().score(new EvalInputs(answers, ANNOTATIONS, null)));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("nope"), e.getMessage());
    }
}
