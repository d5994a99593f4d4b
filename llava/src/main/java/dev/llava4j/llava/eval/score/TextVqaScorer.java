package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.Scorer;
import dev.llava4j.llava.eval.VqaAccuracy;
import dev.llava4j.llava.eval.VqaNormalizer;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.io.PyKey;
import dev.llava4j.llava.eval.py.PyStrings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TextVQA as {@code eval_textvqa.py} + {@code m4c_evaluator.py}: each answer line is matched to the
 * annotation with key (image_id = question_id, lower-cased question from the prompt); the later of two
 * annotations with one key wins. Accuracy = mean VQA soft accuracy over the answer lines.
 */
public final class TextVqaScorer implements Scorer {

    /** One scored answer line. */
    public record Item(Object questionId, String questionKey, String prediction, String predictionProcessed,
                       List<String> groundTruthProcessed, double score) {
    }

    /** An annotation's identity: image_id (a Python dict key) and the lower-cased question. */
    public record AnnotationKey(Object imageId, String question) {
    }

    @Override
    public String name() {
        return "textvqa";
    }

    @Override
    public String inputsHelp() {
        return "--annotations TextVQA_0.5.1_val.json";
    }

    @Override
    public ScoreResult score(EvalInputs inputs) {
        Path annotationFile = inputs.requireAnnotations(name(), "TextVQA_0.5.1_val.json");
        AnswerFile answers = AnswerFile.read(inputs.answers());
        List<Item> items = scoreItems(answers, readAnnotations(annotationFile));
        if (items.isEmpty()) {
            throw new EvalInputException(inputs.answers() + ": no answer lines to score");
        }
        double sum = 0;
        for (Item item : items) {
            sum += item.score();
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", sum / items.size());
        metrics.put("samples", items.size());
        List<String> warnings = new ArrayList<>();
        if (answers.malformedWarning() != null) {
            warnings.add(answers.malformedWarning());
        }
        return new ScoreResult(name(), metrics, warnings, answers.malformedCount());
    }

    /** Per-line scores, in answer-file order. */
    public List<Item> scoreItems(AnswerFile answers, Map<AnnotationKey, List<String>> annotations) {
        List<Item> items = new ArrayList<>();
        for (JsonLine line : answers.lines()) {
            Object id = line.key("question_id");
            String prompt = line.text("prompt");
            String question = TextVqaPrompt.question(prompt);
            if (question == null) {
                throw new EvalInputException(line.where() + ": prompt layout not recognised by eval_textvqa.py "
                        + "(expected 'OCR tokens: ...Question: ... Short answer:', a 3-line prompt with "
                        + "'Reference OCR token: ', or 2 lines): " + Json.abbreviate(prompt));
            }
            List<String> gt = annotations.get(new AnnotationKey(id, question));
            if (gt == null) {
                throw new EvalInputException(line.where() + ": no annotation with image_id " + id
                        + " and question " + Json.abbreviate(question));
            }
            String prediction = line.text("text");
            String processed = VqaNormalizer.normalize(prediction);
            List<String> gtProcessed = gt.stream().map(VqaNormalizer::normalize).toList();
            items.add(new Item(id, question, prediction, processed, gtProcessed,
                    VqaAccuracy.score(processed, gtProcessed)));
        }
        return items;
    }

    /** (image_id, lower-cased question) → the 10 raw answers; later entries win. */
    public static Map<AnnotationKey, List<String>> readAnnotations(Path file) {
        JsonNode data = Json.readObjectFile(file).get("data");
        if (data == null || !data.isArray()) {
            throw new EvalInputException(file + ": expected {\"data\": [...]}");
        }
        Map<AnnotationKey, List<String>> map = new HashMap<>();
        for (int i = 0; i < data.size(); i++) {
            JsonNode a = data.get(i);
            String where = file + " data[" + i + "]";
            JsonNode imageId = a.get("image_id");
            JsonNode question = a.get("question");
            JsonNode answers = a.get("answers");
            if (imageId == null || question == null || !question.isTextual() || answers == null || !answers.isArray()) {
                throw new EvalInputException(where + ": needs image_id, question (string) and answers (list)");
            }
            if (answers.size() != 10) {
                throw new EvalInputException(where + ": " + answers.size()
                        + " answers; the TextVQA evaluator requires exactly 10");
            }
            List<String> raw = new ArrayList<>(10);
            for (JsonNode ans : answers) {
                if (!ans.isTextual()) {
                    throw new EvalInputException(where + ": answers must be strings, found " + ans);
                }
                raw.add(ans.textValue());
            }
            map.put(new AnnotationKey(PyKey.of(imageId), PyStrings.lower(question.textValue())), List.copyOf(raw));
        }
        return map;
    }
}
