package dev.llava4j.llava.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed reads from a config object with defaults and errors that name the file and field. */
final class Json {
    private final JsonNode node;
    private final String source;

    Json(JsonNode node, String source) {
        this.node = node;
        this.source = source;
    }

    private JsonNode get(String field) {
        return node == null ? null : node.get(field);
    }

    int integer(String field, int def) {
        JsonNode v = get(field);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    double number(String field, double def) {
        JsonNode v = get(field);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    String string(String field, String def) {
        JsonNode v = get(field);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' must be a string, got " + v);
        }
        return v.asText();
    }

    boolean bool(String field, boolean def) {
        JsonNode v = get(field);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }
}
