package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.eval.EvalInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScienceQaQuestionSourceTest {

    private static final String MC = "Answer with the option's letter from the given choices directly.";

    @TempDir
    Path tmp;

    private List<EvalQuestion> read(String json) throws IOException {
        Path file = tmp.resolve("llava_test_CQM-A.json");
        Files.writeString(file, json);
        BenchmarkSpec spec = BenchmarkSpec.named("scienceqa");
        return spec.source().read(file, tmp, spec);
    }

    @Test
    void imageItemsGetTheImageMarkerInTheirPrompt() throws IOException {
        List<EvalQuestion> qs = read("""
                [{"id": "4", "image": "4/image.png", "conversations": [
                   {"from": "human", "value": "<image>\\nContext: A map.\\nWhich state is farthest north?\\nA. Ohio\\nB. Utah "},
                   {"from": "gpt", "value": "B"}]},
                 {"id": "7", "conversations": [{"from": "human", "value": "  Which word is a noun?\\nA. run\\nB. dog\\n"}]}]
                """);
        assertEquals(2, qs.size());
        EvalQuestion img = qs.get(0);
        assertEquals("4", img.plainId());
        String question = "Context: A map.\nWhich state is farthest north?\nA. Ohio\nB. Utah\n" + MC;
        assertEquals(question, img.text());
        assertEquals("<image>\n" + question, img.recordedPrompt());
        assertEquals(new ImageSource.File(tmp.resolve("4/image.png")), img.image());
        assertTrue(img.where().endsWith("item 0"), img.where());

        EvalQuestion text = qs.get(1);
        assertNull(text.image());
        assertEquals("Which word is a noun?\nA. run\nB. dog\n" + MC, text.text());
        assertEquals(text.text(), text.recordedPrompt());
    }

    @Test
    void anExistingSuffixIsNotRepeated() throws IOException {
        List<EvalQuestion> qs = read("[{\"id\": \"1\", \"conversations\": [{\"from\": \"human\", \"value\": \"Q?\\nA. x\\n" + MC + "\"}]}]");
        assertEquals("Q?\nA. x\n" + MC, qs.get(0).text());
    }

    @Test
    void malformedItemsAreNamed() {
        EvalInputException notArray = assertThrows(EvalInputException.class, () -> read("{\"id\": \"1\"}"));
        assertTrue(notArray.getMessage().contains("JSON array"), notArray.getMessage());

        EvalInputException noConv = assertThrows(EvalInputException.class,
                () -> read("[{\"id\": \"1\", \"conversations\": []}]"));
        assertTrue(noConv.getMessage().contains("item 0") && noConv.getMessage().contains("conversations"), noConv.getMessage());

        EvalInputException noId = assertThrows(EvalInputException.class,
                () -> read("[{\"conversations\": [{\"from\": \"human\", \"value\": \"Q\"}]}]"));
        assertTrue(noId.getMessage().contains("\"id\""), noId.getMessage());

        EvalInputException noValue = assertThrows(EvalInputException.class,
                () -> read("[{\"id\": \"1\", \"conversations\": [{\"from\": \"human\"}]}]"));
        assertTrue(noValue.getMessage().contains("value"), noValue.getMessage());
    }
}
