package dev.llava4j.llava.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates fixtures/llava-data and the tokenizer the official trainer used for it. */
final class DataFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private DataFixtures() {
    }

    static Path resource(String name) {
        URL url = DataFixtures.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalStateException("fixtures/" + name + " is missing from the test resources");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder with data.json, expected.jsonl and images/. */
    static Path dataDir() {
        return resource("llava-data/data.json").getParent();
    }

    /** Slow LlamaTokenizer from tokenizer.model with legacy=True, as LLaVA's train() configures it. */
    static LlamaTokenizer trainingTokenizer() throws IOException {
        return LlamaTokenizer.fromModelFile(resource("tokenizer/tokenizer.model"), true);
    }

    static List<JsonNode> expectedRows() throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dataDir().resolve("expected.jsonl"))) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }
}
