package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.Scorer;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * POPE as {@code eval_pope.py}: for each {@code coco_pope_<category>.json} in the annotation folder, the
 * answers whose question (looked up in llava_pope_test.jsonl) has that category are taken in
 * answer-file order and paired with the label file's lines <em>by position</em> (Python's zip, which
 * stops at the shorter list). "yes" is the positive class; any label other than "no" counts as yes.
 * Where the official script divides by zero, the value is null and a warning says why.
 */
public final class PopeScorer implements Scorer {

    private static final String PREFIX = "coco_pope_";
    private static final String SUFFIX = ".json";

    /** One category's confusion counts and rates; rates are null where undefined. */
    public record CategoryScore(int samples, int tp, int fp, int tn, int fn, Double accuracy, Double precision,
                                Double recall, Double f1, double yesRatio) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accuracy", accuracy);
            m.put("precision", precision);
            m.put("recall", recall);
            m.put("f1", f1);
            m.put("yes_ratio", yesRatio);
            m.put("samples", samples);
            m.put("TP", tp);
            m.put("FP", fp);
            m.put("TN", tn);
            m.put("FN", fn);
            return m;
        }
    }

    @Override
    public String name() {
        return "pope";
    }

    @Override
    public String inputsHelp() {
        return "--annotations the folder of coco_pope_<category>.json, --questions llava_pope_test.jsonl";
    }

    @Override
    public ScoreResult score(EvalInputs inputs) {
        Path dir = inputs.requireAnnotations(name(), "the folder of coco_pope_<category>.json files");
        Path questionFile = inputs.requireQuestions(name(), "llava_pope_test.jsonl");
        if (!Files.isDirectory(dir)) {
            throw new EvalInputException("--annotations " + dir + " must be the folder of coco_pope_<category>.json files");
        }
        Map<Object, String> categoryById = new HashMap<>();
        for (JsonLine q : Json.readStrictJsonLines(questionFile)) {
            categoryById.put(q.key("question_id"), q.text("category"));
        }
        AnswerFile answers = AnswerFile.read(inputs.answers());
        List<String> warnings = new ArrayList<>();
        if (answers.malformedWarning() != null) {
            warnings.add(answers.malformedWarning());
        }
        Map<String, List<String>> textsByCategory = new HashMap<>();
        for (JsonLine a : answers.lines()) {
            Object id = a.key("question_id");
            String category = categoryById.get(id);
            if (category == null) {
                throw new EvalInputException(a.where() + ": question_id " + id + " is not in " + questionFile);
            }
            textsByCategory.computeIfAbsent(category, k -> new ArrayList<>()).add(a.text("text"));
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (Path labelFile : labelFiles(dir)) {
            String fileName = labelFile.getFileName().toString();
            String category = fileName.substring(PREFIX.length(), fileName.length() - SUFFIX.length());
            List<String> texts = textsByCategory.getOrDefault(category, List.of());
            if (texts.isEmpty()) {
                warnings.add("pope category " + category + ": no answers in " + inputs.answers()
                        + " (the official script divides by zero here); category left out");
                continue;
            }
            List<Boolean> labelsYes = readLabels(labelFile);
            metrics.put(category, scoreCategory(category, texts, labelsYes, warnings).toMap());
        }
        if (metrics.isEmpty()) {
            throw new EvalInputException("pope: no category of " + dir + " has answers in " + inputs.answers());
        }
        return new ScoreResult(name(), metrics, warnings, answers.malformedCount());
    }

    /** Scores one category: answers in answer-file order, labels in label-file order, zipped. */
    public static CategoryScore scoreCategory(String category, List<String> texts, List<Boolean> labelsYes,
                                              List<String> warnings) {
        if (texts.size() != labelsYes.size()) {
            warnings.add("pope category " + category + ": " + texts.size() + " answers but " + labelsYes.size()
                    + " labels; they are paired by position and the surplus is ignored, as the official zip does");
        }
        int yes = 0;
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (int i = 0; i < texts.size(); i++) {
            boolean predYes = !PopeAnswerParser.isNo(texts.get(i));
            if (predYes) {
                yes++;
            }
            if (i >= labelsYes.size()) {
                continue;
            }
            boolean labelYes = labelsYes.get(i);
            if (predYes && labelYes) {
                tp++;
            } else if (predYes) {
                fp++;
            } else if (labelYes) {
                fn++;
            } else {
                tn++;
            }
        }
        Double precision = ratio(tp, tp + fp, category, "precision (no 'yes' predictions)", warnings);
        Double recall = ratio(tp, tp + fn, category, "recall (no 'yes' labels)", warnings);
        Double f1 = null;
        if (precision != null && recall != null) {
            if (precision + recall == 0) {
                warnings.add("pope category " + category + ": f1 undefined (precision + recall = 0)");
            } else {
                f1 = 2 * precision * recall / (precision + recall);
            }
        }
        Double accuracy = ratio(tp + tn, tp + tn + fp + fn, category, "accuracy (no labelled answers)", warnings);
        return new CategoryScore(texts.size(), tp, fp, tn, fn, accuracy, precision, recall, f1,
                (double) yes / texts.size());
    }

    private static Double ratio(int num, int den, String category, String what, List<String> warnings) {
        if (den == 0) {
            warnings.add("pope category " + category + ": " + what + " is undefined; reported as null");
            return null;
        }
        return (double) num / (double) den;
    }

    /** The label files, sorted by name; every entry must be coco_pope_*.json as the official asserts. */
    private static List<Path> labelFiles(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        } catch (IOException e) {
            throw new EvalInputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            String n = f.getFileName().toString();
            if (!n.startsWith(PREFIX) || !n.endsWith(SUFFIX) || n.length() <= PREFIX.length() + SUFFIX.length()) {
                throw new EvalInputException(dir + " holds " + n + "; every entry must be coco_pope_<category>.json");
            }
        }
        return files;
    }

    /** True for yes: any label other than "no" counts as yes, as in the official script. */
    private static List<Boolean> readLabels(Path file) {
        List<Boolean> labels = new ArrayList<>();
        for (JsonLine line : Json.readStrictJsonLines(file)) {
            labels.add(!"no".equals(line.node("label").asText()));
        }
        return labels;
    }
}
