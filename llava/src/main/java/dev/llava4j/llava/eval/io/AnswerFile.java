package dev.llava4j.llava.eval.io;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's answer file (JSON Lines, one object per line as LLaVA's {@code model_vqa*.py} write
 * them). Lines that are not a JSON object (including blank lines, which {@code json.loads} rejects)
 * are skipped and counted, as LLaVA's VQAv2/VizWiz converters do; the other official scripts would
 * stop at them.
 */
public record AnswerFile(Path file, List<JsonLine> lines, List<Integer> malformedLineNumbers) {

    public static AnswerFile read(Path file) {
        List<String> raw = Json.readLines(file);
        List<JsonLine> lines = new ArrayList<>(raw.size());
        List<Integer> malformed = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            JsonNode node = Json.parseOrNull(raw.get(i));
            if (node != null && node.isObject()) {
                lines.add(new JsonLine(file, i + 1, node));
            } else {
                malformed.add(i + 1);
            }
        }
        return new AnswerFile(file, List.copyOf(lines), List.copyOf(malformed));
    }

    public int malformedCount() {
        return malformedLineNumbers.size();
    }

    /** A warning about skipped lines, or null when there were none. */
    public String malformedWarning() {
        if (malformedLineNumbers.isEmpty()) {
            return null;
        }
        List<Integer> shown = malformedLineNumbers.subList(0, Math.min(10, malformedLineNumbers.size()));
        return file + ": skipped " + malformedLineNumbers.size() + " line(s) that are not a JSON object (line "
                + shown.toString().replaceAll("[\\[\\]]", "") + (malformedLineNumbers.size() > 10 ? ", ..." : "") + ")";
    }
}
