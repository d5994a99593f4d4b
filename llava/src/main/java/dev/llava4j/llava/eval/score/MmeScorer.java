package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.Scorer;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.score.MmeAnswerParser.Label;
import dev.llava4j.llava.eval.score.MmeConversion.ResultLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MME as LLaVA's {@code convert_answer_to_mme.py} followed by MME's {@code eval_tool/calculation.py}:
 * per task, consecutive result lines are paired as one image; acc = correct questions / questions,
 * acc+ = images with both questions right / images; task score = 0.0 + 100·acc + 100·acc+, and
 * Perception / Cognition are the sums of their task scores in the official order.
 */
public final class MmeScorer implements Scorer {

    public static final List<String> PERCEPTION = List.of(
            "existence", "count", "position", "color", "posters", "celebrity", "scene", "landmark", "artwork", "OCR");
    public static final List<String> COGNITION = List.of(
            "commonsense_reasoning", "numerical_calculation", "text_translation", "code_reasoning");

    /** One task's numbers. */
    public record TaskScore(double acc, double accPlus, double score, int images, int other) {
    }

    @Override
    public String name() {
        return "mme";
    }

    @Override
    public String inputsHelp() {
        return "--annotations the MME_Benchmark_release_version folder";
    }

    @Override
    public ScoreResult score(EvalInputs inputs) {
        Path root = inputs.requireAnnotations(name(), "the MME_Benchmark_release_version folder");
        AnswerFile answers = AnswerFile.read(inputs.answers());
        List<String> warnings = new ArrayList<>();
        if (answers.malformedWarning() != null) {
            warnings.add(answers.malformedWarning());
        }
        warnUnrepresentable(answers, warnings);
        Map<String, List<ResultLine>> byTask = MmeConversion.convert(answers, MmeGroundTruth.read(root));
        List<String> missing = new ArrayList<>();
        for (String task : allTasks()) {
            if (byTask.getOrDefault(task, List.of()).isEmpty()) {
                missing.add(task);
            }
        }
        if (!missing.isEmpty()) {
            throw new EvalInputException("MME: no answers for task(s) " + String.join(", ", missing) + " in "
                    + inputs.answers() + "; calculation.py needs all 14 tasks");
        }
        Map<String, Object> tasks = new LinkedHashMap<>();
        double perception = 0;
        for (String task : PERCEPTION) {
            TaskScore s = scoreTask(task, byTask.get(task));
            tasks.put(task, s.score());
            perception += s.score();
        }
        double cognition = 0;
        for (String task : COGNITION) {
            TaskScore s = scoreTask(task, byTask.get(task));
            tasks.put(task, s.score());
            cognition += s.score();
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("perception", perception);
        metrics.put("cognition", cognition);
        metrics.put("tasks", tasks);
        return new ScoreResult(name(), metrics, warnings, answers.malformedCount());
    }

    /** calculation.py on one task's result lines. */
    public static TaskScore scoreTask(String task, List<ResultLine> lines) {
        if (lines.size() % 2 != 0) {
            throw new EvalInputException("MME task " + task + ": " + lines.size()
                    + " answers; calculation.py pairs consecutive lines as one image, so the count must be even");
        }
        int correct = 0;
        int other = 0;
        int bothRight = 0;
        for (int i = 0; i < lines.size(); i += 2) {
            int imageCorrect = 0;
            for (ResultLine line : lines.subList(i, i + 2)) {
                String gt = line.groundTruth().toLowerCase(Locale.ROOT);
                if (!gt.equals("yes") && !gt.equals("no")) {
                    throw new EvalInputException("MME task " + task + ", " + line.imageFile()
                            + ": ground truth must be Yes or No, found \"" + line.groundTruth() + "\"");
                }
                Label pred = MmeAnswerParser.parseRaw(line.prediction());
                if (pred == Label.OTHER) {
                    other++;
                }
                if (pred == (gt.equals("yes") ? Label.YES : Label.NO)) {
                    correct++;
                    imageCorrect++;
                }
            }
            if (imageCorrect == 2) {
                bothRight++;
            }
        }
        int images = lines.size() / 2;
        double acc = (double) correct / lines.size();
        double accPlus = (double) bothRight / images;
        double score = 0.0;
        score += acc * 100;
        score += accPlus * 100;
        return new TaskScore(acc, accPlus, score, images, other);
    }

    public static List<String> allTasks() {
        List<String> all = new ArrayList<>(PERCEPTION);
        all.addAll(COGNITION);
        return all;
    }

    /** A tab or line break in a prediction breaks the official text round trip; we score the text as is. */
    private static void warnUnrepresentable(AnswerFile answers, List<String> warnings) {
        for (JsonLine line : answers.lines()) {
            if (line.has("text") && line.node("text").isTextual()) {
                String t = line.node("text").textValue();
                if (t.indexOf('\t') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
                    warnings.add(line.where() + ": prediction contains a tab or line break, which the official "
                            + "text files cannot hold; scored from its first 4 characters as calculation.py would");
                }
            }
        }
    }
}
