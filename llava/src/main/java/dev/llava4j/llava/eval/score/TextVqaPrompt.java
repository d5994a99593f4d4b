package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.py.PyStrings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recovers the TextVQA question from an answer line's prompt, as {@code eval_textvqa.py}'s
 * {@code prompt_processor} does, lower-cased.
 */
public final class TextVqaPrompt {

    private static final Pattern OCR_PROMPT = Pattern.compile("Question: (.*?) Short answer:", Pattern.DOTALL);

    private TextVqaPrompt() {
    }

    /** The lower-cased question, or null for a prompt layout the official code rejects. */
    public static String question(String prompt) {
        String[] lines = prompt.split("\n", -1);
        String question;
        if (prompt.startsWith("OCR tokens: ")) {
            Matcher m = OCR_PROMPT.matcher(prompt);
            if (!m.find()) {
                return null;
            }
            question = m.group(1);
        } else if (prompt.contains("Reference OCR token: ") && lines.length == 3) {
            question = prompt.startsWith("Reference OCR token:") ? lines[1] : lines[0];
        } else if (lines.length == 2) {
            question = lines[0];
        } else {
            return null;
        }
        return PyStrings.lower(question);
    }
}
