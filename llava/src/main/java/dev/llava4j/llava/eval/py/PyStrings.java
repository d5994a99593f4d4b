package dev.llava4j.llava.eval.py;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python 3 {@code str} operations whose Java look-alikes differ: {@code split()} and {@code strip()}
 * use Python's whitespace set (which includes U+001C..U+001F, U+0085, U+00A0 and U+202F, unlike
 * {@link Character#isWhitespace}), and slicing counts code points, not UTF-16 units.
 */
public final class PyStrings {

    private PyStrings() {
    }

    /** Python {@code str.isspace()} for one code point (bidi WS/B/S or category Zs). */
    public static boolean isSpace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Python {@code s.split()}: runs of whitespace separate fields, no empty fields. */
    public static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && isSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            int start = i;
            while (i < n && !isSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    /** Python {@code s.strip()} with no argument. */
    public static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /** Python {@code s.rstrip(chars)} for a set of BMP characters. */
    public static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0 && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Python {@code s.lower()}: locale-independent, with the final-sigma rule (as Locale.ROOT). */
    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Python {@code s[:n]}: the first n code points. */
    public static String prefix(String s, int codePoints) {
        int count = s.codePointCount(0, s.length());
        if (count <= codePoints) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, codePoints));
    }

    /** Python {@code len(s)}: the number of code points. */
    public static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
