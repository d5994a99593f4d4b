package dev.llava4j.llava.eval.convert;

import dev.llava4j.llava.eval.EvalInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes converter output, creating parent folders as the official scripts do. */
final class OutputFiles {

    private OutputFiles() {
    }

    static void writeText(Path out, String text) {
        try {
            createParent(out);
            Files.writeString(out, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EvalInputException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    static void createParent(Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
