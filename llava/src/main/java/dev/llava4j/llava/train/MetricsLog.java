package dev.llava4j.llava.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one line per optimizer step,
 * {@code {"step":12,"loss":1.25,"lr":2.0E-5,"grad_norm":0.53,"tokens_per_s":1234.5}}, flushed as it is written
 * so a crash loses at most the line being written. Opening for a run that resumes at step S keeps the lines with
 * step &lt;= S and drops the rest (steps a crashed run logged after its last checkpoint); a fresh run is S = 0.
 */
public final class MetricsLog implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MetricsLog.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter out;

    private MetricsLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens {@code file} for appending after dropping the lines with step &gt; {@code resumedStep}.
     *
     * @param resumedStep the last step the resumed checkpoint completed, 0 for a fresh run
     */
    public static MetricsLog open(Path file, long resumedStep) throws IOException {
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                MetricsRow row = parse(file, i + 1, line, i == lines.size() - 1);
                if (row != null && row.step() <= resumedStep) {
                    kept.add(line);
                }
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, kept, StandardCharsets.UTF_8);
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return new MetricsLog(file, out);
    }

    /** Appends one step and flushes. */
    public void log(long step, double loss, double lr, double gradNorm, double tokensPerSecond) {
        String line = "{\"step\":" + step + ",\"loss\":" + number(loss) + ",\"lr\":" + number(lr)
                + ",\"grad_norm\":" + number(gradNorm) + ",\"tokens_per_s\":" + number(tokensPerSecond) + "}";
        try {
            out.write(line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + file, e);
        }
    }

    public void log(MetricsRow row) {
        log(row.step(), row.loss(), row.lr(), row.gradNorm(), row.tokensPerSecond());
    }

    /** Strict JSON has no NaN or Infinity, so a diverged loss is written as null. */
    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Reads every row of a metrics file (a cut-off last line is left out). */
    public static List<MetricsRow> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<MetricsRow> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                MetricsRow row = parse(file, i + 1, lines.get(i), i == lines.size() - 1);
                if (row != null) {
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /**
     * One line, or null for a last line that is not valid JSON (the write a crash interrupted). Anything else
     * that is malformed is an error naming the line.
     */
    private static MetricsRow parse(Path file, int lineNumber, String line, boolean last) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            if (last) {
                LOG.log(System.Logger.Level.WARNING, "{0} line {1} is cut off and is dropped: {2}", file, lineNumber,
                        line);
                return null;
            }
            throw new IOException(file + " line " + lineNumber + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject() || !node.path("step").isIntegralNumber()) {
            throw new IOException(file + " line " + lineNumber + " has no integer \"step\": " + line);
        }
        return new MetricsRow(node.get("step").longValue(), value(node, "loss"), value(node, "lr"),
                value(node, "grad_norm"), value(node, "tokens_per_s"));
    }

    private static double value(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.doubleValue() : Double.NaN;
    }
}
