package dev.llava4j.llava.demo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One line of the demo's {@code eval.jsonl}.
 *
 * @param questionId  unique id ("eval-000003-color-short")
 * @param image       image path relative to the image folder
 * @param kind        what is asked
 * @param format      {@link #SHORT} (the prompt ends with the short-answer instruction) or {@link #FREE} (bare
 *                    question, a full sentence is expected)
 * @param question    the bare question
 * @param text        what the model is asked: the question plus, for {@link #SHORT}, the response-format prompt
 * @param answer      the expected reply to {@code text} (a short answer or a sentence)
 * @param shortAnswer the short answer in both formats (to check whether a sentence contains it)
 * @param label       POPE ground truth "yes" / "no", null for other kinds
 * @param category    POPE negative sampling "random" / "adversarial" (null for positives and other kinds)
 */
public record EvalItem(String questionId, String image, QuestionKind kind, String format, String question,
                       String text, String answer, String shortAnswer, String label, String category) {

    public static final String SHORT = "short";
    public static final String FREE = "free";

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("question_id", questionId);
        m.put("image", image);
        m.put("kind", kind.label());
        m.put("format", format);
        m.put("question", question);
        m.put("text", text);
        m.put("answer", answer);
        m.put("short_answer", shortAnswer);
        if (label != null) {
            m.put("label", label);
        }
        if (category != null) {
            m.put("category", category);
        }
        return m;
    }

    /** Reads an {@code eval.jsonl} written by {@link ShapeWorld}. */
    public static List<EvalItem> readAll(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<EvalItem> items = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            try {
                JsonNode n = mapper.readTree(lines.get(i));
                items.add(new EvalItem(text(n, "question_id", where), text(n, "image", where),
                        QuestionKind.valueOf(text(n, "kind", where).toUpperCase(Locale.ROOT)),
                        text(n, "format", where), text(n, "question", where), text(n, "text", where),
                        text(n, "answer", where), text(n, "short_answer", where),
                        n.path("label").isTextual() ? n.get("label").textValue() : null,
                        n.path("category").isTextual() ? n.get("category").textValue() : null));
            } catch (JacksonException e) {
                throw new IOException(where + " is not JSON: " + e.getOriginalMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        return items;
    }

    private static String text(JsonNode n, String field, String where) throws IOException {
        if (!n.path(field).isTextual()) {
            throw new IOException(where + " has no string field \"" + field + "\"");
        }
        return n.get(field).textValue();
    }
}
