package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.eval.EvalInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonlQuestionSourceTest {

    private static final String SHORT = "Answer the question using a single word or phrase.";

    @TempDir
    Path tmp;

    private List<EvalQuestion> read(String benchmark, String content) throws IOException {
        Path file = tmp.resolve("questions.jsonl");
        Files.writeString(file, content);
        BenchmarkSpec spec = BenchmarkSpec.named(benchmark);
        return spec.source().read(file, tmp.resolve("images"), spec);
    }

    @Test
    void readsLlavaQuestionLines() throws IOException {
        List<EvalQuestion> qs = read("gqa", """
                {"question_id": 7, "image": "a/1.jpg", "text": "What is it?\\nAnswer the question using a single word or phrase.", "category": "x"}

                {"question_id": "20968", "image": "2.jpg", "text": "Which side?"}
                {"question_id": 9.0, "text": "No image here?"}
                """);
        assertEquals(3, qs.size());
        EvalQuestion first = qs.get(0);
        assertEquals(BigInteger.valueOf(7), first.plainId());
        assertEquals("What is it?\n" + SHORT, first.text());
        assertEquals(first.text(), first.recordedPrompt());
        assertEquals(new ImageSource.File(tmp.resolve("images").resolve("a/1.jpg")), first.image());
        assertTrue(first.where().endsWith("questions.jsonl line 1"), first.where());
        assertTrue(first.fieldsAfterId().isEmpty() && first.fieldsAfterText().isEmpty());

        EvalQuestion second = qs.get(1);
        assertEquals("20968", second.plainId());
        assertEquals("Which side?\n" + SHORT, second.text());
        assertEquals(second.text(), second.recordedPrompt());
        assertTrue(second.where().endsWith("line 3"), second.where());

        EvalQuestion third = qs.get(2);
        assertNull(third.image());
        assertEquals(BigInteger.valueOf(9), third.key());
    }

    @Test
    void freeFormBenchmarksKeepTheText() throws IOException {
        List<EvalQuestion> qs = read("llavabench", "{\"question_id\": 0, \"image\": \"001.jpg\", \"text\": \"Describe the image.\"}\n");
        assertEquals("Describe the image.", qs.get(0).text());
    }

    @Test
    void badLinesAreNamed() {
        EvalInputException noText = assertThrows(EvalInputException.class,
                () -> read("pope", "{\"question_id\": 1, \"image\": \"a.jpg\", \"text\": \"Q\"}\n{\"question_id\": 2, \"image\": \"b.jpg\"}\n"));
        assertTrue(noText.getMessage().contains("line 2") && noText.getMessage().contains("\"text\""), noText.getMessage());

        EvalInputException badId = assertThrows(EvalInputException.class,
                () -> read("pope", "{\"question_id\": [1], \"image\": \"a.jpg\", \"text\": \"Q\"}\n"));
        assertTrue(badId.getMessage().contains("line 1") && badId.getMessage().contains("question_id"), badId.getMessage());

        EvalInputException badImage = assertThrows(EvalInputException.class,
                () -> read("pope", "{\"question_id\": 1, \"image\": 5, \"text\": \"Q\"}\n"));
        assertTrue(badImage.getMessage().contains("\"image\""), badImage.getMessage());

        EvalInputException duplicate = assertThrows(EvalInputException.class,
                () -> read("pope", "{\"question_id\": 1, \"text\": \"Q\"}\n{\"question_id\": 1.0, \"text\": \"R\"}\n"));
        assertTrue(duplicate.getMessage().contains("line 2") && duplicate.getMessage().contains("line 1"), duplicate.getMessage());

        EvalInputException notJson = assertThrows(EvalInputException.class, () -> read("pope", "{\"question_id\": 1,\n"));
        assertTrue(notJson.getMessage().contains("line 1"), notJson.getMessage());
    }
}
