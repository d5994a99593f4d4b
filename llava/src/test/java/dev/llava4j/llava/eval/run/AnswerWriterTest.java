package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AnswerWriterTest {

    @TempDir
    Path tmp;

    @Test
    void linesHaveLlavasFieldsOrderAndJsonLayout() {
        EvalQuestion q = EvalQuestion.simple(JsonNodeFactory.instance.numberNode(12), "Q?\nAnswer briefly.", null,
                "Q?\nAnswer briefly.", "f line 1");
        assertEquals("{\"question_id\": 12, \"prompt\": \"Q?\\nAnswer briefly.\", \"text\": \"Caf\\u00e9 \\\"yes\\\"\", "
                        + "\"answer_id\": \"abc\", \"model_id\": \"llava-v1.5-7b\", \"metadata\": {}}",
                AnswerWriter.line(q, "Café \"yes\"", "abc", "llava-v1.5-7b"));
    }

    @Test
    void mmbenchLinesCarryRoundAndOptionsWhereLlavaPutsThem() {
        Map<String, Object> afterText = new LinkedHashMap<>();
        afterText.put("options", List.of("cat", "dog"));
        afterText.put("option_char", List.of("A", "B"));
        EvalQuestion q = new EvalQuestion(JsonNodeFactory.instance.numberNode(3L), "x", null, "What?\nA. cat\nB. dog",
                Map.of("round_id", 0), afterText, "t index 3");
        assertEquals("{\"question_id\": 3, \"round_id\": 0, \"prompt\": \"What?\\nA. cat\\nB. dog\", \"text\": \"A\", "
                        + "\"options\": [\"cat\", \"dog\"], \"option_char\": [\"A\", \"B\"], \"answer_id\": \"id1\", "
                        + "\"model_id\": \"m\", \"metadata\": {}}",
                AnswerWriter.line(q, "A", "id1", "m"));
    }

    @Test
    void appendsToExistingFilesAndCreatesFolders() throws Exception {
        Path file = tmp.resolve("answers/run1/out.jsonl");
        EvalQuestion q = EvalQuestion.simple(JsonNodeFactory.instance.textNode("a"), "t", null, "t", "f line 1");
        try (AnswerWriter w = AnswerWriter.append(file)) {
            w.write(q, "one", "i1", "m");
        }
        try (AnswerWriter w = AnswerWriter.append(file)) {
            w.write(q, "two", "i2", "m");
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertEquals(AnswerWriter.line(q, "one", "i1", "m"), lines.get(0));
        assertEquals(AnswerWriter.line(q, "two", "i2", "m"), lines.get(1));
    }
}
