package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.io.PyKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SEED-Bench.json plus an answer file, matched as {@code convert_seed_for_submission.py} does: answers
 * are keyed by their raw question_id (an int for numeric ids, a string like "v12" for video ids) and
 * annotation ids are int()-converted where Python's int() accepts them.
 */
public final class SeedBenchData {

    /** One annotated question and the matching prediction (null when there is none). */
    public record Question(String questionId, int typeId, String dataType, String answer, String prediction) {
    }

    private final List<Question> questions;
    private final Map<Integer, String> typeNames;

    private SeedBenchData(List<Question> questions, Map<Integer, String> typeNames) {
        this.questions = questions;
        this.typeNames = typeNames;
    }

    public static SeedBenchData read(Path annotationFile, AnswerFile answers) {
        Map<Object, String> predictions = new HashMap<>();
        for (JsonLine line : answers.lines()) {
            predictions.put(line.key("question_id"), line.text("text"));
        }
        JsonNode root = Json.readObjectFile(annotationFile);
        JsonNode qs = root.get("questions");
        JsonNode types = root.get("question_type");
        if (qs == null || !qs.isArray() || types == null || !types.isObject()) {
            throw new EvalInputException(annotationFile + ": expected {\"questions\": [...], \"question_type\": {...}}");
        }
        Map<Integer, String> typeNames = new HashMap<>();
        types.properties().forEach(e -> typeNames.put(e.getValue().asInt(), e.getKey()));
        List<Question> list = new ArrayList<>(qs.size());
        for (int i = 0; i < qs.size(); i++) {
            JsonNode q = qs.get(i);
            String where = annotationFile + " questions[" + i + "]";
            for (String f : List.of("question_id", "question_type_id", "data_type", "answer")) {
                if (!q.hasNonNull(f)) {
                    throw new EvalInputException(where + ": missing field \"" + f + "\"");
                }
            }
            String id = q.get("question_id").asText();
            String prediction = predictions.get(PyKey.intOrString(id));
            list.add(new Question(id, q.get("question_type_id").asInt(), q.get("data_type").asText(),
                    q.get("answer").asText(), prediction));
        }
        return new SeedBenchData(List.copyOf(list), typeNames);
    }

    public List<Question> questions() {
        return questions;
    }

    /** The name of a question type id, or "type N" where question_type does not name it. */
    public String typeName(int typeId) {
        return typeNames.getOrDefault(typeId, "type " + typeId);
    }

    /** Fails, naming the first few, when questions have no prediction (the official script crashes). */
    public void requireAllPredicted(Path answerFile) {
        List<String> missing = questions.stream().filter(q -> q.prediction() == null).map(Question::questionId).toList();
        if (!missing.isEmpty()) {
            throw new EvalInputException("seed_bench: " + missing.size() + " question(s) have no prediction in "
                    + answerFile + " (first: " + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + "); numeric ids must be JSON numbers, video ids strings");
        }
    }
}
