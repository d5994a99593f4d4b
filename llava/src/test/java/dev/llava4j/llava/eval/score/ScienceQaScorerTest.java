package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.Fixtures;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.py.PyFormat;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ScienceQA case must match eval_science_qa.py exactly. */
class ScienceQaScorerTest {

    private static final Path DIR = Fixtures.path("scienceqa", "");
    private static final Path ANSWERS = Fixtures.path("scienceqa", "answers/llava-v1.5-13b.jsonl");

    @Test
    void accuraciesMatchOfficialExactly() {
        ScoreResult r = new ScienceQaScorer().score(new EvalInputs(ANSWERS, DIR, null));
        JsonNode e = Fixtures.expected("scienceqa").get("metrics");
        double acc = (double) r.metrics().get("accuracy");
        double img = (double) r.metrics().get("img_accuracy");
        assertEquals(e.get("accuracy_pct").doubleValue(), acc * 100);
        assertEquals(e.get("img_accuracy_pct").doubleValue(), img * 100);
        assertEquals(e.get("accuracy_pct_printed").textValue(), PyFormat.fixed(acc * 100, 2));
        assertEquals(e.get("img_accuracy_pct_printed").textValue(), PyFormat.fixed(img * 100, 2));
        assertEquals(e.get("total").intValue(), r.metrics().get("total"));
        assertEquals(e.get("correct").intValue(), r.metrics().get("correct"));
        assertEquals(e.get("img_total").intValue(), r.metrics().get("img_total"));
        assertEquals(e.get("img_correct").intValue(), r.metrics().get("img_correct"));
    }

    @Test
    void everyItemMatches() {
        List<ScienceQaScorer.Item> items = ScienceQaScorer.scoreItems(DIR, AnswerFile.read(ANSWERS), new ArrayList<>());
        JsonNode perItem = Fixtures.expected("scienceqa").get("per_item");
        assertEquals(perItem.size(), items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode e = perItem.get(i);
            ScienceQaScorer.Item item = items.get(i);
            String ctx = e.get("question_id").textValue() + " " + e.get("pred");
            assertEquals(e.get("question_id").textValue(), item.pid(), ctx);
            assertEquals(e.get("parsed_ans").textValue(), item.parsed(), ctx);
            assertEquals(e.get("pred_idx").intValue(), item.predictedIndex(), ctx);
            assertEquals(e.get("is_multimodal").booleanValue(), item.multimodal(), ctx);
            assertEquals(e.get("correct").booleanValue(), item.correct(), ctx);
        }
    }

    @Test
    void optionExtractionRules() {
        assertEquals("A", ScienceQaAnswerParser.parse("A"));             // rule 1: exactly a letter
        assertEquals("E", ScienceQaAnswerParser.parse("E"));
        assertEquals("FAILED", ScienceQaAnswerParser.parse("F"));        // F is not an option letter
        assertEquals("C", ScienceQaAnswerParser.parse("C. cat"));        // rule 2: letter + ". "
        assertEquals("B", ScienceQaAnswerParser.parse("B. "));
        assertEquals("FAILED", ScienceQaAnswerParser.parse("B."));       // too short for rule 2
        assertEquals("FAILED", ScienceQaAnswerParser.parse("A.\nB"));
        assertEquals("D", ScienceQaAnswerParser.parse("The answer is D.")); // rule 3: one regex match
        assertEquals("A", ScienceQaAnswerParser.parse("The answer is AB"));
        assertEquals("F", ScienceQaAnswerParser.parse("The answer is F."));
        assertEquals("C", ScienceQaAnswerParser.parse("I think The answer is C."));
        assertEquals("FAILED", ScienceQaAnswerParser.parse("The answer is D"));     // needs one more character
        assertEquals("FAILED", ScienceQaAnswerParser.parse("The answer is D\n"));   // '.' does not match '\n'
        assertEquals("D", ScienceQaAnswerParser.parse("The answer is D\r"));        // but Python's '.' matches '\r'
        assertEquals("FAILED", ScienceQaAnswerParser.parse("The answer is A. The answer is B."));
        assertEquals("FAILED", ScienceQaAnswerParser.parse("the answer is A."));
        assertEquals("FAILED", ScienceQaAnswerParser.parse("The answer is (A)."));
        assertEquals("FAILED", ScienceQaAnswerParser.parse("(A)"));
        assertEquals("FAILED", ScienceQaAnswerParser.parse("a"));
        assertEquals("FAILED", ScienceQaAnswerParser.parse(" B"));
        assertEquals(-1, ScienceQaAnswerParser.predictedIndex("C", 2));
        assertEquals(2, ScienceQaAnswerParser.predictedIndex("C", 3));
        assertEquals(-1, ScienceQaAnswerParser.predictedIndex("FAILED", 5));
    }
}
