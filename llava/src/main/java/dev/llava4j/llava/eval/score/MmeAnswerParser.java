package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.py.PyStrings;

/**
 * MME {@code calculation.py}'s {@code parse_pred_ans}, applied to the prediction as that script reads
 * it: lower-cased and still carrying the line's trailing '\n'. Because of the '\n' the exact
 * "yes"/"no" branch never fires; the first 4 characters decide: containing "yes" → yes, else
 * containing "no" → no, else other. So "Snow" and "Nothing" are no, "Yesterday" is yes, "  yes" is other.
 */
public final class MmeAnswerParser {

    /** The three labels calculation.py distinguishes. */
    public enum Label { YES, NO, OTHER }

    private MmeAnswerParser() {
    }

    /** Parses a raw prediction (as written to the answers file, before the line's '\n' is added). */
    public static Label parseRaw(String rawPrediction) {
        return parseLine(rawPrediction + "\n");
    }

    /** {@code parse_pred_ans} on the 4th field of a result line, trailing '\n' included. */
    public static Label parseLine(String field) {
        String pred = PyStrings.lower(field);
        if (pred.equals("yes")) {
            return Label.YES;
        }
        if (pred.equals("no")) {
            return Label.NO;
        }
        String prefix = PyStrings.prefix(pred, 4);
        if (prefix.contains("yes")) {
            return Label.YES;
        }
        if (prefix.contains("no")) {
            return Label.NO;
        }
        return Label.OTHER;
    }
}
