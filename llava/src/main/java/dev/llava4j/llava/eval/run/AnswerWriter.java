package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.py.PyJson;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Appends answer lines in LLaVA's format and layout ({@code json.dumps} of question_id, prompt, text, answer_id,
 * model_id, metadata, plus the benchmark's extra fields in LLaVA's order), flushing after every line so that a
 * killed run keeps every answer it finished.
 */
public final class AnswerWriter implements AutoCloseable {

    private final Path file;
    private final BufferedWriter out;

    private AnswerWriter(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code file} for appending, creating it and its folders as needed. */
    public static AnswerWriter append(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new AnswerWriter(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new EvalInputException("cannot open " + file + " for writing: " + e.getMessage(), e);
        }
    }

    /** One answer line. */
    public void write(EvalQuestion question, String text, String answerId, String modelId) {
        try {
            out.write(line(question, text, answerId, modelId));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new EvalInputException("cannot write to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The JSON text of an answer line, without the line break. */
    static String line(EvalQuestion question, String text, String answerId, String modelId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("question_id", question.plainId());
        fields.putAll(question.fieldsAfterId());
        fields.put("prompt", question.recordedPrompt());
        fields.put("text", text);
        fields.putAll(question.fieldsAfterText());
        fields.put("answer_id", answerId);
        fields.put("model_id", modelId);
        fields.put("metadata", Map.of());
        return PyJson.dumps(fields);
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new EvalInputException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
