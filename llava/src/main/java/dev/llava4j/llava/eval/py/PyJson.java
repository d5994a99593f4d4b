package dev.llava4j.llava.eval.py;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes values the way Python's {@code json.dumps} does with default arguments: ASCII only
 * ({@code \\uXXXX} escapes, lower-case hex), {@code ", "} and {@code ": "} separators, floats as
 * {@code repr}; with an indent, {@code ","} at line ends as {@code json.dump(indent=2)} writes.
 * Values: {@link Map} (keys as strings, iteration order kept), {@link List}, {@link String},
 * {@link Long}/{@link Integer}/{@link java.math.BigInteger}, {@link Double}, {@link Boolean}, null.
 */
public final class PyJson {

    private PyJson() {
    }

    /** {@code json.dumps(value)}. */
    public static String dumps(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** {@code json.dumps(value, indent=indent)}. */
    public static String dumps(Object value, int indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, indent, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value, int indent, int level) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b ? "true" : "false");
            case Double d -> sb.append(number(d));
            case Float f -> sb.append(number(f.doubleValue()));
            case Number n -> sb.append(n);
            case Map<?, ?> map -> writeMap(sb, map, indent, level);
            case List<?> list -> writeList(sb, list, indent, level);
            default -> throw new IllegalArgumentException("not JSON-serialisable: " + value.getClass().getName());
        }
    }

    private static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return PyFormat.repr(d);
    }

    private static void writeMap(StringBuilder sb, Map<?, ?> map, int indent, int level) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            newline(sb, indent, level + 1);
            quote(sb, String.valueOf(e.getKey()));
            sb.append(": ");
            write(sb, e.getValue(), indent, level + 1);
            if (it.hasNext()) {
                sb.append(indent < 0 ? ", " : ",");
            }
        }
        newline(sb, indent, level);
        sb.append('}');
    }

    private static void writeList(StringBuilder sb, List<?> list, int indent, int level) {
        if (list.isEmpty()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        for (int i = 0; i < list.size(); i++) {
            newline(sb, indent, level + 1);
            write(sb, list.get(i), indent, level + 1);
            if (i + 1 < list.size()) {
                sb.append(indent < 0 ? ", " : ",");
            }
        }
        newline(sb, indent, level);
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * level));
        }
    }

    /** Python's ensure_ascii string encoder. */
    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        sb.append(c);
                    } else {
                        // UTF-16 units, as Python writes surrogate pairs for astral characters.
                        sb.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        sb.append('"');
    }
}
