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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ScienceQA as {@code eval_science_qa.py --split test}: test pids in pid_splits.json order; a pid
 * without a prediction is scored as text "FAILED" with prompt "Unknown" (so it counts as text-only);
 * is_multimodal = the prompt contains {@code <image>}. Accuracy over all, IMG accuracy over multimodal.
 */
public final class ScienceQaScorer implements Scorer {

    private static final String SPLIT = "test";

    /** One scored problem. */
    public record Item(String pid, String prediction, String parsed, int predictedIndex, int answer,
                       boolean multimodal, boolean correct) {
    }

    @Override
    public String name() {
        return "scienceqa";
    }

    @Override
    public String inputsHelp() {
        return "--annotations the folder holding problems.json and pid_splits.json";
    }

    @Override
    public ScoreResult score(EvalInputs inputs) {
        Path dir = inputs.requireAnnotations(name(), "the folder holding problems.json and pid_splits.json");
        if (!Files.isDirectory(dir)) {
            throw new EvalInputException("--annotations " + dir + " must be the folder holding problems.json and pid_splits.json");
        }
        AnswerFile answers = AnswerFile.read(inputs.answers());
        List<String> warnings = new ArrayList<>();
        if (answers.malformedWarning() != null) {
            warnings.add(answers.malformedWarning());
        }
        List<Item> items = scoreItems(dir, answers, warnings);
        if (items.isEmpty()) {
            throw new EvalInputException(dir.resolve("pid_splits.json") + ": the test split is empty");
        }
        int correct = 0;
        int imgTotal = 0;
        int imgCorrect = 0;
        for (Item item : items) {
            correct += item.correct() ? 1 : 0;
            imgTotal += item.multimodal() ? 1 : 0;
            imgCorrect += item.multimodal() && item.correct() ? 1 : 0;
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", (double) correct / items.size());
        if (imgTotal == 0) {
            warnings.add("scienceqa: no test problem has '<image>' in its prompt; img_accuracy is undefined (null)");
        }
        metrics.put("img_accuracy", imgTotal == 0 ? null : (double) imgCorrect / imgTotal);
        metrics.put("total", items.size());
        metrics.put("correct", correct);
        metrics.put("img_total", imgTotal);
        metrics.put("img_correct", imgCorrect);
        return new ScoreResult(name(), metrics, warnings, answers.malformedCount());
    }

    /** Every test problem, scored, in pid_splits order. */
    public static List<Item> scoreItems(Path dir, AnswerFile answers, List<String> warnings) {
        JsonNode testPids = Json.readObjectFile(dir.resolve("pid_splits.json")).get(SPLIT);
        if (testPids == null || !testPids.isArray()) {
            throw new EvalInputException(dir.resolve("pid_splits.json") + ": no \"" + SPLIT + "\" list");
        }
        JsonNode problems = Json.readObjectFile(dir.resolve("problems.json"));
        Map<Object, JsonLine> predictions = new HashMap<>();
        for (JsonLine line : answers.lines()) {
            predictions.put(line.key("question_id"), line); // later lines win, as in the dict comprehension
        }
        List<Item> items = new ArrayList<>();
        Set<Object> used = new HashSet<>();
        int missing = 0;
        for (JsonNode pidNode : testPids) {
            String pid = pidNode.asText();
            JsonNode problem = problems.get(pid);
            if (problem == null) {
                throw new EvalInputException(dir.resolve("problems.json") + ": no problem " + pid + " (listed in the test split)");
            }
            JsonNode choices = problem.get("choices");
            JsonNode answer = problem.get("answer");
            if (choices == null || !choices.isArray() || answer == null || !answer.isIntegralNumber()) {
                throw new EvalInputException(dir.resolve("problems.json") + " problem " + pid
                        + ": needs \"choices\" (list) and \"answer\" (int)");
            }
            JsonLine pred = predictions.get(PyKey.of(pidNode));
            String text = "FAILED";
            String prompt = "Unknown";
            if (pred == null) {
                missing++;
            } else {
                used.add(PyKey.of(pidNode));
                text = pred.text("text");
                prompt = pred.text("prompt");
            }
            String parsed = ScienceQaAnswerParser.parse(text);
            int idx = ScienceQaAnswerParser.predictedIndex(parsed, choices.size());
            items.add(new Item(pid, text, parsed, idx, answer.intValue(), prompt.contains("<image>"),
                    idx == answer.intValue()));
        }
        if (missing > 0) {
            warnings.add("scienceqa: " + missing + " test problem(s) have no prediction; scored as FAILED "
                    + "(text-only), as the official script does");
        }
        int unused = predictions.size() - used.size();
        if (unused > 0) {
            warnings.add("scienceqa: " + unused + " answer id(s) are not in the test split "
                    + "(ids must be pid strings) and were ignored");
        }
        return items;
    }
}
