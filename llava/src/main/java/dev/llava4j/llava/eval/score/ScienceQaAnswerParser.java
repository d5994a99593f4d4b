package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.py.PyStrings;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code eval_science_qa.py}'s answer extraction (case-sensitive, first rule that fires):
 * the text is exactly a letter A–E; or it is at least 3 characters, starts with A–E and continues
 * with ". "; or {@code The answer is ([A-Z]).} matches exactly once; else FAILED.
 * So "B.", "(A)", "a", " B" and "The answer is D" fail, "The answer is AB" gives A.
 */
public final class ScienceQaAnswerParser {

    public static final String FAILED = "FAILED";
    public static final List<String> OPTIONS = List.of("A", "B", "C", "D", "E");

    /** UNIX_LINES: Python's '.' excludes only '\n', Java's would also exclude '\r', U+0085, U+2028/9. */
    private static final Pattern ANSWER_IS = Pattern.compile("The answer is ([A-Z]).", Pattern.UNIX_LINES);

    private ScienceQaAnswerParser() {
    }

    /** The extracted letter (possibly beyond E, from the regex rule) or {@link #FAILED}. */
    public static String parse(String text) {
        if (OPTIONS.contains(text)) {
            return text;
        }
        if (PyStrings.length(text) >= 3 && OPTIONS.contains(text.substring(0, 1)) && text.startsWith(". ", 1)) {
            return text.substring(0, 1);
        }
        Matcher m = ANSWER_IS.matcher(text);
        String found = null;
        int count = 0;
        while (m.find()) {
            found = m.group(1);
            count++;
        }
        return count == 1 ? found : FAILED;
    }

    /** The option index of a parsed letter, or -1 when it is not among the first {@code choices} letters. */
    public static int predictedIndex(String parsed, int choices) {
        int idx = OPTIONS.indexOf(parsed);
        return idx >= 0 && idx < choices ? idx : -1;
    }
}
