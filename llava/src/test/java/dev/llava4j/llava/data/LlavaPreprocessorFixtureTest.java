package dev.llava4j.llava.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of fixtures/llava-data/expected.jsonl: prompt, input_ids and labels exactly. */
class LlavaPreprocessorFixtureTest {

    private static LlamaTokenizer tokenizer;
    private static LlavaDataset dataset;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = DataFixtures.trainingTokenizer();
        dataset = new LlavaJsonReader(DataFixtures.dataDir()).read(DataFixtures.dataDir().resolve("data.json"));
    }

    static Stream<Arguments> rows() throws IOException {
        return DataFixtures.expectedRows().stream()
                .map(r -> Arguments.of(r.get("id").textValue() + " / " + r.get("template").textValue(), r));
    }

    private static LlavaRecord record(String id) {
        return dataset.records().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("data.json has no record " + id));
    }

    @Test
    void dataJsonReadsCleanly() throws IOException {
        assertEquals(7, dataset.size());
        assertEquals(0, dataset.skipped());
        assertEquals(List.of(), dataset.problems());
        assertEquals(11, DataFixtures.expectedRows().size());
        LlavaRecord multi = record("multi-turn");
        assertEquals("images/green_square.png", multi.image());
        assertEquals(6, multi.conversations().size());
        assertEquals(null, record("text-only").image());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void matchesTheOfficialTrainer(String name, JsonNode row) {
        LlavaRecord record = record(row.get("id").textValue());
        ChatTemplate template = ChatTemplate.named(row.get("template").textValue());
        assertEquals(row.get("image").isNull() ? null : row.get("image").textValue(), record.image(), "image");
        assertEquals(row.get("prompt").textValue(), LlavaPreprocessor.prompt(record, template), "prompt");

        TokenizedSample sample = LlavaPreprocessor.preprocess(record, row.get("template").textValue(), tokenizer,
                LlavaPreprocessor.DEFAULT_MAX_LENGTH);
        assertArrayEquals(DataFixtures.ints(row.get("input_ids")), sample.inputIds(), "input_ids");
        assertArrayEquals(DataFixtures.ints(row.get("labels")), sample.labels(), "labels");
        assertEquals(row.get("num_image_tokens").intValue(), sample.numImageTokens(), "num_image_tokens");
        assertEquals(row.get("num_supervised").intValue(), sample.numSupervised(), "num_supervised");
        assertTrue(sample.numSupervised() > 0, "the mismatch safety rule must not fire on the fixtures");
    }
}
