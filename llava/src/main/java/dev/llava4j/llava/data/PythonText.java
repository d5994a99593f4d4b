package dev.llava4j.llava.data;

import java.util.ArrayList;
import java.util.List;

/** Python's {@code str.strip()} and {@code str.split(sep)}, which the official preprocessing relies on. */
final class PythonText {

    private PythonText() {
    }

    /** Characters for which Python's {@code str.isspace()} is true. */
    static boolean isPythonWhitespace(int c) {
        return switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029,
                 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    static String strip(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end && isPythonWhitespace(s.charAt(begin))) {
            begin++;
        }
        while (end > begin && isPythonWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(begin, end);
    }

    /** Splits on every occurrence of a literal, keeping empty pieces (including trailing ones). */
    static List<String> split(String s, String separator) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = s.indexOf(separator, from);
            if (at < 0) {
                parts.add(s.substring(from));
                return parts;
            }
            parts.add(s.substring(from, at));
            from = at + separator.length();
        }
    }
}
