package dev.llava4j.llava.eval.convert;

import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.JsonLine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the VQAv2 and VizWiz converters share: answers read leniently (lines that are not JSON are
 * counted as {@code error_line}), keyed by question_id with later lines winning, and the summary they
 * print ({@code total results: R, total split: S, error_line: E}).
 */
final class EvalAiUpload {

    private EvalAiUpload() {
    }

    static Map<Object, String> answersById(AnswerFile answers) {
        Map<Object, String> byId = new HashMap<>();
        for (JsonLine line : answers.lines()) {
            byId.put(line.key("question_id"), line.text("text"));
        }
        return byId;
    }

    static Map<String, Object> summary(int results, int split, int errorLines) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total_results", results);
        m.put("total_split", split);
        m.put("error_line", errorLines);
        return m;
    }
}
