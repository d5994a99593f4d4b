package dev.llava4j.llava.eval.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;

import java.nio.file.Path;

/** One JSON object from a JSON Lines file, with where it came from for error messages. */
public record JsonLine(Path file, int lineNumber, JsonNode json) {

    /** A string field that must be present. */
    public String text(String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            throw new EvalInputException(where() + ": missing field \"" + field + "\"");
        }
        if (!v.isTextual()) {
            throw new EvalInputException(where() + ": field \"" + field + "\" must be a string, found " + v);
        }
        return v.textValue();
    }

    /** A field that must be present, as a Python dict key ({@link PyKey}). */
    public Object key(String field) {
        return PyKey.of(node(field));
    }

    /** A field that must be present. */
    public JsonNode node(String field) {
        JsonNode v = json.get(field);
        if (v == null) {
            throw new EvalInputException(where() + ": missing field \"" + field + "\"");
        }
        return v;
    }

    public boolean has(String field) {
        return json.has(field);
    }

    /** "FILE line N", for messages. */
    public String where() {
        return file + " line " + lineNumber;
    }
}
