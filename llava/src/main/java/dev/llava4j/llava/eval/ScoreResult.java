package dev.llava4j.llava.eval;

import dev.llava4j.llava.eval.py.PyFormat;
import dev.llava4j.llava.eval.py.PyJson;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's scores as an ordered tree (maps keep insertion order, so the JSON key order is
 * stable), plus warnings about input that the official pipeline would have handled differently
 * (skipped lines, empty categories, values it could not compute).
 *
 * @param metrics      accuracies as fractions in [0,1], MME scores in points; null where undefined
 * @param skippedLines answer lines skipped because they are not JSON objects
 */
public record ScoreResult(String benchmark, Map<String, Object> metrics, List<String> warnings, int skippedLines) {

    public ScoreResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        warnings = List.copyOf(warnings);
    }

    /** One JSON line: the metrics, plus {@code skipped_lines} when some were skipped. */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>(metrics);
        if (skippedLines > 0) {
            out.put("skipped_lines", skippedLines);
        }
        return PyJson.dumps(out);
    }

    /** A readable table: one "path  value" row per number; fractions also as percentages. */
    public String toTable() {
        StringBuilder sb = new StringBuilder(benchmark).append('\n');
        appendRows(sb, "", metrics);
        if (skippedLines > 0) {
            sb.append("  skipped_lines  ").append(skippedLines).append('\n');
        }
        return sb.toString();
    }

    private static void appendRows(StringBuilder sb, String prefix, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String path = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + " / " + e.getKey();
            switch (e.getValue()) {
                case Map<?, ?> child -> appendRows(sb, path, child);
                case Double d -> sb.append("  ").append(path).append("  ").append(PyFormat.repr(d)).append('\n');
                case null -> sb.append("  ").append(path).append("  n/a\n");
                default -> sb.append("  ").append(path).append("  ").append(e.getValue()).append('\n');
            }
        }
    }
}
