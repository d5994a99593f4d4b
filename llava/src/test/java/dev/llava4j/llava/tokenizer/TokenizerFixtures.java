package dev.llava4j.llava.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates the tokenizer fixtures on the test classpath and reads cases.jsonl. */
final class TokenizerFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFixtures() {
    }

    /** The fixtures/tokenizer folder (tokenizer.model + the llava-hf-style config jsons). */
    static Path dir() {
        URL url = TokenizerFixtures.class.getResource("/fixtures/tokenizer/tokenizer.model");
        if (url == null) {
            throw new IllegalStateException("fixtures/tokenizer/tokenizer.model is missing from the test resources");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path model() {
        return dir().resolve("tokenizer.model");
    }

    /** One line of cases.jsonl. */
    record Case(int line, JsonNode json) {
        String text() {
            return json.get("text").textValue();
        }

        boolean has(String field) {
            return json.has(field);
        }

        int[] ids(String field) {
            JsonNode a = json.get(field);
            int[] out = new int[a.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.get(i).intValue();
            }
            return out;
        }

        String string(String field) {
            return json.get(field).textValue();
        }

        List<String> strings(String field) {
            List<String> out = new ArrayList<>();
            json.get(field).forEach(n -> out.add(n.textValue()));
            return out;
        }

        @Override
        public String toString() {
            String t = text();
            String shown = t.length() > 40 ? t.substring(0, 40) + "..." : t;
            return "line " + line + ": " + JSON.valueToTree(shown);
        }
    }

    static List<Case> cases() throws IOException {
        List<String> lines = Files.readAllLines(dir().resolve("cases.jsonl"));
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(new Case(i + 1, JSON.readTree(lines.get(i))));
            }
        }
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
