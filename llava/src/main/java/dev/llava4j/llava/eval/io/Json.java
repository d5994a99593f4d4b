package dev.llava4j.llava.eval.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llava4j.llava.eval.EvalInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JSON reading with the leniency of Python's json module (NaN/Infinity) and strict trailing data. */
public final class Json {

    /** Like {@code json.loads}: one value per text, nothing after it, NaN and Infinity allowed. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .build();

    private Json() {
    }

    /** Parses a whole JSON file. */
    public static JsonNode readFile(Path file) {
        String text = readText(file);
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new EvalInputException("invalid JSON in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a whole JSON file that must hold an object. */
    public static JsonNode readObjectFile(Path file) {
        JsonNode node = readFile(file);
        if (!node.isObject()) {
            throw new EvalInputException(file + ": expected a JSON object, found " + node.getNodeType());
        }
        return node;
    }

    /** The file's text (UTF-8), with a clear message when it is missing. */
    public static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new EvalInputException("file not found: " + file, e);
        } catch (IOException e) {
            throw new EvalInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file's lines as Python's text-mode {@code for line in open(f)} yields them, without the
     * line ending: '\n', '\r\n' and '\r' all end a line; a final line ending adds no empty line.
     */
    public static List<String> readLines(Path file) {
        String text = readText(file);
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < n) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    /**
     * A JSON Lines annotation file read strictly (as the official scripts do): every non-blank line
     * must be a JSON object. Blank lines are skipped.
     */
    public static List<JsonLine> readStrictJsonLines(Path file) {
        List<String> lines = readLines(file);
        List<JsonLine> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = parseOrNull(line);
            if (node == null || !node.isObject()) {
                throw new EvalInputException(file + " line " + (i + 1) + ": not a JSON object: " + abbreviate(line));
            }
            out.add(new JsonLine(file, i + 1, node));
        }
        return out;
    }

    /** The parsed value, or null where {@code json.loads} would raise. */
    static JsonNode parseOrNull(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    /** A JSON value as the plain Java value {@link dev.llava4j.llava.eval.py.PyJson} writes back unchanged. */
    public static Object toPlain(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            v.forEach(e -> list.add(toPlain(e)));
            return list;
        }
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        v.properties().forEach(e -> map.put(e.getKey(), toPlain(e.getValue())));
        return map;
    }

    /** A short, one-line form of some text for error messages. */
    public static String abbreviate(String s) {
        String oneLine = s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return oneLine.length() <= 80 ? '"' + oneLine + '"' : '"' + oneLine.substring(0, 77) + "...\"";
    }
}
