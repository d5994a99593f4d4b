package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.Scorer;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.io.PyKey;
import dev.llava4j.llava.eval.py.PyStrings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GQA testdev-balanced as LLaVA's {@code convert_gqa_for_eval.py} followed by the (patched) official
 * GQA {@code eval.py}: prediction = {@code text.rstrip('.').lower()}, exact match against the answer,
 * over the isBalanced questions in question-file order. binary = structural type other than "query",
 * open = "query". Also the distribution score and the per-type / steps / words breakdowns.
 */
public final class GqaScorer implements Scorer {

    private static final List<String> NOT_A_STEP = List.of("exist", "query: name", "choose name");

    /** Accumulates 0/1 scores in order, as the official lists do. */
    private static final class Hits {
        int correct;
        int total;

        void add(boolean hit) {
            correct += hit ? 1 : 0;
            total++;
        }

        /** {@code float(sum(l)) / len(l)}, or 0 for an empty list as the official avg() returns. */
        double mean() {
            return total == 0 ? 0.0 : (double) correct / total;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accuracy", mean());
            m.put("questions", total);
            return m;
        }
    }

    @Override
    public String name() {
        return "gqa";
    }

    @Override
    public String inputsHelp() {
        return "--annotations testdev_balanced_questions.json";
    }

    /** {@code convert_gqa_for_eval.py}'s prediction for one answer text. */
    public static String prediction(String text) {
        return PyStrings.lower(PyStrings.rstrip(text, "."));
    }

    @Override
    public ScoreResult score(EvalInputs inputs) {
        Path questionFile = inputs.requireAnnotations(name(), "testdev_balanced_questions.json");
        AnswerFile answers = AnswerFile.read(inputs.answers());
        List<String> warnings = new ArrayList<>();
        if (answers.malformedWarning() != null) {
            warnings.add(answers.malformedWarning());
        }
        Map<Object, String> predictions = new HashMap<>();
        for (JsonLine line : answers.lines()) {
            predictions.put(line.key("question_id"), prediction(line.text("text")));
        }
        JsonNode questions = Json.readObjectFile(questionFile);

        Hits accuracy = new Hits();
        Hits binary = new Hits();
        Hits open = new Hits();
        Map<String, Hits> structural = new TreeMap<>();
        Map<String, Hits> semantic = new TreeMap<>();
        Map<Integer, Hits> steps = new TreeMap<>();
        Map<Integer, Hits> words = new TreeMap<>();
        // group → answer → count, insertion-ordered because the chi-square sums in that order
        Map<String, Map<String, Integer>> goldDist = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> predDist = new HashMap<>();
        List<String> missing = new ArrayList<>();

        for (Iterator<Map.Entry<String, JsonNode>> it = questions.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String qid = e.getKey();
            JsonNode q = e.getValue();
            String where = questionFile + " question " + qid;
            if (!field(q, "isBalanced", where).asBoolean()) {
                continue;
            }
            String predicted = predictions.get(qid);
            if (predicted == null) {
                missing.add(qid);
                continue;
            }
            String gold = field(q, "answer", where).asText();
            boolean hit = predicted.equals(gold);
            String structuralType = field(field(q, "types", where), "structural", where).asText();
            accuracy.add(hit);
            words.computeIfAbsent(PyStrings.split(field(q, "question", where).asText()).size(), k -> new Hits()).add(hit);
            steps.computeIfAbsent(stepCount(field(q, "semantic", where)), k -> new Hits()).add(hit);
            structural.computeIfAbsent(structuralType, k -> new Hits()).add(hit);
            semantic.computeIfAbsent(field(field(q, "types", where), "semantic", where).asText(), k -> new Hits()).add(hit);
            (structuralType.equals("query") ? open : binary).add(hit);
            JsonNode group = field(q, "groups", where).get("global");
            if (group != null && !group.isNull()) {
                goldDist.computeIfAbsent(group.asText(), k -> new LinkedHashMap<>()).merge(gold, 1, Integer::sum);
                predDist.computeIfAbsent(group.asText(), k -> new HashMap<>()).merge(predicted, 1, Integer::sum);
            }
        }
        if (!missing.isEmpty()) {
            throw new EvalInputException("gqa: " + missing.size() + " balanced question(s) have no prediction in "
                    + inputs.answers() + " (first: " + missing.getFirst() + "); the official eval.py needs all of them "
                    + "(question ids are strings)");
        }
        if (accuracy.total == 0) {
            throw new EvalInputException(questionFile + ": no isBalanced questions");
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", accuracy.mean());
        metrics.put("binary", binary.mean());
        metrics.put("open", open.mean());
        Double distribution = chiSquare(goldDist, predDist);
        if (distribution == null) {
            warnings.add("gqa: no balanced question has a global group; distribution is undefined (null)");
        }
        metrics.put("distribution", distribution);
        metrics.put("structural", breakdown(structural));
        metrics.put("semantic", breakdown(semantic));
        metrics.put("steps", breakdown(steps));
        metrics.put("words", breakdown(words));
        return new ScoreResult(name(), metrics, warnings, answers.malformedCount());
    }

    /** Semantic operations except those whose "operation: argument" contains exist / query: name / choose name. */
    static int stepCount(JsonNode semantic) {
        int n = 0;
        for (JsonNode op : semantic) {
            String s = PyKey.str(op.path("operation")) + ": " + PyKey.str(op.path("argument"));
            if (NOT_A_STEP.stream().noneMatch(s::contains)) {
                n++;
            }
        }
        return n;
    }

    /** The official chiSquare(...) / 100, or null where it divides by zero. */
    static Double chiSquare(Map<String, Map<String, Integer>> gold, Map<String, Map<String, Integer>> predicted) {
        double sumScore = 0;
        long sumOverall = 0;
        for (Map.Entry<String, Map<String, Integer>> g : gold.entrySet()) {
            double score = 0;
            long overall = 0;
            Map<String, Integer> pred = predicted.getOrDefault(g.getKey(), Map.of());
            for (Map.Entry<String, Integer> a : g.getValue().entrySet()) {
                int e = a.getValue();
                int o = pred.getOrDefault(a.getKey(), 0);
                double diff = o - e;
                score += diff * diff / e;
                overall += e;
            }
            sumScore += score * overall;
            sumOverall += overall;
        }
        return sumOverall == 0 ? null : sumScore / sumOverall / 100;
    }

    private static Map<String, Object> breakdown(Map<?, Hits> hits) {
        Map<String, Object> m = new LinkedHashMap<>();
        hits.forEach((k, v) -> m.put(String.valueOf(k), v.toMap()));
        return m;
    }

    private static JsonNode field(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null) {
            throw new EvalInputException(where + ": missing field \"" + name + "\"");
        }
        return v;
    }
}
