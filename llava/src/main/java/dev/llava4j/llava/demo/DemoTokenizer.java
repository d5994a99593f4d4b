package dev.llava4j.llava.demo;

import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The LLaMA tokenizer bundled for {@code ./llava4j demo} (resources next to this class: tokenizer.model,
 * tokenizer_config.json and special_tokens_map.json set up as LLaVA-1.5 trains, and NOTICE.md with the
 * licence). The demo's tiny model does not use the 32000-row vocabulary directly; see {@link VocabRemap}.
 */
public final class DemoTokenizer {

    /** The bundled files, all copied by {@link #writeTo}. */
    public static final List<String> FILES =
            List.of("tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "NOTICE.md");

    private DemoTokenizer() {
    }

    /** Loads the bundled tokenizer (legacy, BOS added, pad = unk). */
    public static LlamaTokenizer load() throws IOException {
        Path dir = Files.createTempDirectory("llava4j-demo-tokenizer");
        try {
            writeTo(dir);
            return LlamaTokenizer.load(dir);
        } finally {
            for (String name : FILES) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Copies the bundled files into {@code dir} (created if needed), e.g. next to a saved demo model. */
    public static Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : FILES) {
            try (InputStream in = DemoTokenizer.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("resource " + DemoTokenizer.class.getPackageName().replace('.', '/') + "/"
                            + name + " is missing from the classpath");
                }
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }
}
