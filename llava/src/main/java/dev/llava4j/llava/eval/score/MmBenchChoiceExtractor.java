package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.py.PyStrings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenCompass {@code eval_mmbench.py}'s heuristic answer extraction ({@code can_infer}), tried before
 * its ChatGPT fallback:
 * <ol>
 *   <li>option letters among the whitespace tokens: exactly one bare letter of ABCDE wins, unless "A"
 *       is a token and there are more than 3 tokens ("A might be a quantifier"); then, in order, the
 *       first of 12 (prefix, suffix) forms such as "B." "(C)" ":D" that exactly one letter takes;</li>
 *   <li>option texts: exactly one option whose lower-cased text occurs in the lower-cased prediction.</li>
 * </ol>
 */
public final class MmBenchChoiceExtractor {

    private static final String LETTERS = "ABCDE";
    private static final String[][] FORMS = {
            {"", "."}, {"", ","}, {"", ":"}, {"", ")"}, {"", ")."}, {"(", ")"}, {"(", ")."},
            {":", ""}, {":", ","}, {":", "."}, {":", ")"}, {":", ")."}};

    private MmBenchChoiceExtractor() {
    }

    /**
     * The extracted letter, or null where the heuristic cannot decide.
     *
     * @param options letter → option text (str() of the cell), for the options that are present
     */
    public static String infer(String prediction, Map<String, String> options) {
        String letter = inferLetter(prediction);
        return letter != null ? letter : inferText(prediction, options);
    }

    /** Rule 1 ({@code can_infer_option}). */
    public static String inferLetter(String prediction) {
        if (prediction.contains("Failed to obtain answer via API")) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        for (String t : PyStrings.split(prediction)) {
            tokens.add(PyStrings.strip(t));
        }
        if (count(tokens, "", "") == 1) {
            boolean quantifier = tokens.contains("A") && tokens.size() > 3;
            if (!quantifier) {
                return first(tokens, "", "");
            }
        }
        for (String[] form : FORMS) {
            if (count(tokens, form[0], form[1]) == 1) {
                return first(tokens, form[0], form[1]);
            }
        }
        return null;
    }

    /** Rule 2 ({@code can_infer_text}). */
    public static String inferText(String prediction, Map<String, String> options) {
        String lower = PyStrings.lower(prediction);
        String found = null;
        int count = 0;
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (lower.contains(PyStrings.lower(e.getValue()))) {
                found = e.getKey();
                count++;
            }
        }
        return count == 1 ? found : null;
    }

    private static int count(List<String> tokens, String prefix, String suffix) {
        int n = 0;
        for (int i = 0; i < LETTERS.length(); i++) {
            if (tokens.contains(prefix + LETTERS.charAt(i) + suffix)) {
                n++;
            }
        }
        return n;
    }

    private static String first(List<String> tokens, String prefix, String suffix) {
        for (int i = 0; i < LETTERS.length(); i++) {
            if (tokens.contains(prefix + LETTERS.charAt(i) + suffix)) {
                return String.valueOf(LETTERS.charAt(i));
            }
        }
        throw new IllegalStateException("count() found a letter that first() did not");
    }
}
