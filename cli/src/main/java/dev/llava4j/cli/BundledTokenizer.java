package dev.llava4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The LLaMA tokenizer files shipped inside llava4j (for the demo and random checkpoints), copied to a temp folder. */
final class BundledTokenizer {
    private static final String BASE = "/dev/llava4j/llava/demo/";
    private static final String[] FILES = {"tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"};

    private BundledTokenizer() {
    }

    static Path extract() throws IOException {
        Path dir = Files.createTempDirectory("llava4j-tokenizer");
        dir.toFile().deleteOnExit();
        boolean any = false;
        for (String f : FILES) {
            try (InputStream in = BundledTokenizer.class.getResourceAsStream(BASE + f)) {
                if (in != null) {
                    Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    dir.resolve(f).toFile().deleteOnExit();
                    any = true;
                }
            }
        }
        if (!any) {
            throw new IOException("the bundled tokenizer is missing from this build; pass --tokenizer DIR");
        }
        return dir;
    }
}
