package dev.llava4j.llava.image;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed, defaulted access to the fields of a JSON config object, with errors naming source and field. */
final class JsonFields {

    private final JsonNode root;
    private final String source;

    JsonFields(JsonNode root, String source) {
        this.root = root;
        this.source = source;
    }

    /** The field, or null when absent or JSON null (both mean "use the default", as in transformers). */
    JsonNode node(String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n;
    }

    boolean bool(String field, boolean fallback) {
        JsonNode n = node(field);
        if (n == null) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw error(field, "expected true or false, got " + n);
        }
        return n.booleanValue();
    }

    int integer(String field, int fallback) {
        JsonNode n = node(field);
        if (n == null) {
            return fallback;
        }
        if (!n.isInt()) {
            throw error(field, "expected an integer, got " + n);
        }
        return n.intValue();
    }

    double number(String field, double fallback) {
        JsonNode n = node(field);
        if (n == null) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw error(field, "expected a number, got " + n);
        }
        return n.doubleValue();
    }

    double[] numbers(String field, double[] fallback) {
        JsonNode n = node(field);
        if (n == null) {
            return fallback.clone();
        }
        if (n.isNumber()) { // transformers accepts one value for all channels
            return new double[] {n.doubleValue(), n.doubleValue(), n.doubleValue()};
        }
        if (!n.isArray() || n.size() != 3) {
            throw error(field, "expected a number or an array of 3 numbers, got " + n);
        }
        double[] values = new double[3];
        for (int i = 0; i < 3; i++) {
            if (!n.get(i).isNumber()) {
                throw error(field, "element " + i + " is not a number: " + n.get(i));
            }
            values[i] = n.get(i).doubleValue();
        }
        return values;
    }

    String text(String field, String fallback) {
        JsonNode n = node(field);
        if (n == null) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw error(field, "expected a string, got " + n);
        }
        return n.textValue();
    }

    IllegalArgumentException error(String field, String problem) {
        return new IllegalArgumentException(source + ": field \"" + field + "\": " + problem);
    }

    static int intField(JsonNode object, String key, IllegalArgumentException ifBad) {
        JsonNode n = object.get(key);
        if (n == null || !n.isInt()) {
            throw ifBad;
        }
        return n.intValue();
    }
}
