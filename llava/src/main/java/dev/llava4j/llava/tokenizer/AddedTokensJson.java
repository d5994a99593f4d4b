package dev.llava4j.llava.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes {@code added_tokens.json} ({"token": id}): a source folder's entries plus the ones given, which is how
 * llava-hf registers {@code <image>} and {@code <pad>} on top of the LLaMA vocabulary.
 */
public final class AddedTokensJson {
    private AddedTokensJson() {
    }

    /** @param sourceDir folder whose added_tokens.json is kept (may be null); entries already there win */
    public static void write(Path sourceDir, Path targetDir, Map<String, Integer> extra) throws IOException {
        ObjectMapper om = new ObjectMapper();
        Path src = sourceDir == null ? null : sourceDir.resolve("added_tokens.json");
        ObjectNode node = src != null && Files.isRegularFile(src) ? (ObjectNode) om.readTree(src.toFile()) : om.createObjectNode();
        extra.forEach((token, id) -> {
            if (!node.has(token) && id >= 0) {
                node.put(token, id);
            }
        });
        om.writerWithDefaultPrettyPrinter().writeValue(targetDir.resolve("added_tokens.json").toFile(), node);
    }
}
