package dev.llava4j.llava.eval.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.py.PyFormat;
import dev.llava4j.llava.eval.py.PyStrings;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * A JSON value as a Python dict key. The official scripts look predictions up by the raw
 * {@code question_id}, so the JSON types matter: the string "12" and the number 12 are different
 * keys, while 12 and 12.0 (and true and 1) are equal, as in Python.
 */
public final class PyKey {

    /** What Python's int() accepts, after strip(): sign, digits, single underscores between digits. */
    private static final Pattern PYTHON_INT = Pattern.compile("[+-]?[0-9](?:_?[0-9])*");

    private PyKey() {
    }

    /** A key with Python equality: {@link BigInteger} for integral numbers and booleans, else the value. */
    public static Object of(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isNumber()) {
            BigDecimal d = v.decimalValue();
            if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) {
                return d.toBigIntegerExact();
            }
            return d.doubleValue();
        }
        if (v.isNull()) {
            return PyNone.NONE;
        }
        return v.toString(); // lists/dicts are unhashable in Python; keep them distinct from strings
    }

    /** Python's {@code int(s)} for an id string, or the string itself where int() fails. */
    public static Object intOrString(String s) {
        String t = PyStrings.strip(s);
        if (PYTHON_INT.matcher(t).matches()) {
            return new BigInteger(t.replace("_", "").replace("+", ""));
        }
        return s;
    }

    /** Python's {@code str(value)} of a JSON value, as f-strings render it. */
    public static String str(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "True" : "False";
        }
        if (v.isNull()) {
            return "None";
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isNumber()) {
            return PyFormat.repr(v.doubleValue());
        }
        return v.toString();
    }

    /** Python's None as a key. */
    public enum PyNone { NONE }
}
