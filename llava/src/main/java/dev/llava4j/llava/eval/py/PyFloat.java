package dev.llava4j.llava.eval.py;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Python {@code float(str)}. It differs from {@link Double#parseDouble}: Python strips its own
 * whitespace set, accepts '_' between digits, any Unicode decimal digit, "inf"/"infinity"/"nan" in any
 * case; it rejects Java's "1d", "1f" and hex floats.
 */
public final class PyFloat {

    private static final Pattern DIGITS = Pattern.compile("[0-9](?:_?[0-9])*");
    private static final Pattern DECIMAL = Pattern.compile(
            "[+-]?(?:D(?:\\.(?:D)?)?|\\.D)(?:[eE][+-]?D)?".replace("D", DIGITS.pattern()));
    private static final Pattern SPECIAL = Pattern.compile("[+-]?(?:inf|infinity|nan)");

    private PyFloat() {
    }

    /** The value of {@code float(text)}, or empty where Python raises ValueError. */
    public static OptionalDouble parse(String text) {
        String s = asciiDigits(PyStrings.strip(text));
        if (DECIMAL.matcher(s).matches()) {
            return OptionalDouble.of(Double.parseDouble(s.replace("_", "")));
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (SPECIAL.matcher(lower).matches()) {
            boolean negative = lower.startsWith("-");
            if (lower.endsWith("nan")) {
                return OptionalDouble.of(Double.NaN);
            }
            return OptionalDouble.of(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        return OptionalDouble.empty();
    }

    private static String asciiDigits(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
                sb.append((char) ('0' + Character.digit(cp, 10)));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
