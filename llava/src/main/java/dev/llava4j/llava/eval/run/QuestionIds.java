package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks on question ids: resuming skips answered ids, so each id must be a usable key and appear once. */
final class QuestionIds {

    private QuestionIds() {
    }

    /** The id must be a string or a number (null, lists and objects cannot identify an answer). */
    static JsonNode require(JsonNode id, String field, String where) {
        if (id == null || id.isMissingNode()) {
            throw new EvalInputException(where + ": missing field \"" + field + "\"");
        }
        if (!id.isTextual() && !id.isNumber()) {
            throw new EvalInputException(where + ": field \"" + field + "\" must be a string or a number, found " + id);
        }
        return id;
    }

    /** Fails on the first id that occurs twice, naming both places. */
    static List<EvalQuestion> requireUnique(List<EvalQuestion> questions) {
        Map<Object, EvalQuestion> seen = new HashMap<>();
        for (EvalQuestion q : questions) {
            EvalQuestion first = seen.putIfAbsent(q.key(), q);
            if (first != null) {
                throw new EvalInputException(q.where() + ": question id " + q.questionId() + " was already used at "
                        + first.where() + " (ids must be unique so that answers can be resumed)");
            }
        }
        return questions;
    }
}
