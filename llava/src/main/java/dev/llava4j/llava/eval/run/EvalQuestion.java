package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.PyKey;

import java.util.Map;

/**
 * One question to ask, with everything its answer line needs.
 *
 * @param questionId     the id as the question file has it (its JSON type is kept: scorers look ids up by it)
 * @param text           the user message after the optional {@code "<image>\n"}: question plus response-format suffix
 * @param image          the image, or null for a text-only question
 * @param recordedPrompt the answer line's {@code "prompt"} field, as the LLaVA script for this format writes it
 * @param fieldsAfterId  extra answer fields written right after question_id (MMBench's round_id)
 * @param fieldsAfterText extra answer fields written right after text (MMBench's options, option_char)
 * @param where          where the question was read, for messages ("FILE line 3")
 */
public record EvalQuestion(JsonNode questionId, String text, ImageSource image, String recordedPrompt,
                           Map<String, Object> fieldsAfterId, Map<String, Object> fieldsAfterText, String where) {

    public EvalQuestion {
        fieldsAfterId = fieldsAfterId == null ? Map.of() : fieldsAfterId;
        fieldsAfterText = fieldsAfterText == null ? Map.of() : fieldsAfterText;
    }

    /** A question whose answer line has only the standard fields. */
    public static EvalQuestion simple(JsonNode questionId, String text, ImageSource image, String recordedPrompt,
                                      String where) {
        return new EvalQuestion(questionId, text, image, recordedPrompt, Map.of(), Map.of(), where);
    }

    /** The id as a Python dict key: equal for 7 and 7.0, different for 7 and "7" (how scorers match answers). */
    public Object key() {
        return PyKey.of(questionId);
    }

    /** The id as a plain value for {@link dev.llava4j.llava.eval.py.PyJson}. */
    public Object plainId() {
        return Json.toPlain(questionId);
    }

    public boolean hasImage() {
        return image != null;
    }
}
