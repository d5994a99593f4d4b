package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.py.PyFloat;

import java.util.OptionalDouble;

/**
 * {@code parse_score} of LLaVA's {@code eval_gpt_review_bench.py}: the first line of GPT-4's review,
 * commas turned into spaces, split on single spaces; exactly two fields that Python's float() accepts
 * give the (reference, model) scores, anything else gives [-1, -1]. So "8,7" parses, "8, 7" (three
 * fields) and "9  6" (double space) do not.
 */
public final class LlavaBenchReviewParser {

    /** The pair the official code returns on failure. */
    public static final double[] FAILED = {-1, -1};

    private LlavaBenchReviewParser() {
    }

    /** {reference score, model score}, or {@link #FAILED} (a fresh copy). */
    public static double[] parse(String review) {
        String firstLine = review.split("\n", -1)[0].replace(",", " ");
        String[] fields = firstLine.split(" ", -1);
        if (fields.length != 2) {
            return FAILED.clone();
        }
        OptionalDouble a = PyFloat.parse(fields[0]);
        OptionalDouble b = PyFloat.parse(fields[1]);
        if (a.isEmpty() || b.isEmpty()) {
            return FAILED.clone();
        }
        return new double[] {a.getAsDouble(), b.getAsDouble()};
    }
}
