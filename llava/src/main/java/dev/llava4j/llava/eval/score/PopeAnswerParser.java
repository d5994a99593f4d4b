package dev.llava4j.llava.eval.score;

import java.util.Arrays;
import java.util.List;

/**
 * {@code eval_pope.py}'s yes/no rule: keep the text before the first '.', delete ',', split on single
 * spaces; the answer is "no" if a word is exactly {@code No}, {@code not} or {@code no}, else "yes".
 * So {@code NO}, {@code No!}, {@code Nope} and an empty answer count as yes; {@code no\nthere} too.
 */
public final class PopeAnswerParser {

    private static final List<String> NO_WORDS = List.of("No", "not", "no");

    private PopeAnswerParser() {
    }

    /** True when the official rule reads the answer as "no". */
    public static boolean isNo(String text) {
        String s = text;
        int dot = s.indexOf('.');
        if (dot >= 0) {
            s = s.substring(0, dot);
        }
        s = s.replace(",", "");
        // split(' ', -1) keeps empty fields, like Python's str.split(' ').
        return Arrays.stream(s.split(" ", -1)).anyMatch(NO_WORDS::contains);
    }
}
