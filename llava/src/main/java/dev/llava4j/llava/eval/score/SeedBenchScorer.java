package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.Scorer;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.score.SeedBenchData.Question;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SEED-Bench as {@code convert_seed_for_submission.py} scores it: correct iff the raw text equals the
 * answer letter exactly ("A." and " A" are wrong). Accuracy per question type (ascending id), overall,
 * and for image and video questions. Where the official script crashes: a missing prediction is an
 * error; a type with no correct answer scores 0.0; no video (or image) questions gives null.
 */
public final class SeedBenchScorer implements Scorer {

    @Override
    public String name() {
        return "seed_bench";
    }

    @Override
    public String inputsHelp() {
        return "--annotations SEED-Bench.json";
    }

    @Override
    public ScoreResult score(EvalInputs inputs) {
        Path annotationFile = inputs.requireAnnotations(name(), "SEED-Bench.json");
        AnswerFile answers = AnswerFile.read(inputs.answers());
        SeedBenchData data = SeedBenchData.read(annotationFile, answers);
        if (data.questions().isEmpty()) {
            throw new EvalInputException(annotationFile + ": no questions");
        }
        data.requireAllPredicted(inputs.answers());
        List<String> warnings = new ArrayList<>();
        if (answers.malformedWarning() != null) {
            warnings.add(answers.malformedWarning());
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", accuracy(data.questions(), null));
        metrics.put("image_accuracy", accuracyOrNull(data.questions(), "image", warnings));
        metrics.put("video_accuracy", accuracyOrNull(data.questions(), "video", warnings));
        Map<Integer, int[]> byType = new TreeMap<>(); // type id → {correct, total}
        for (Question q : data.questions()) {
            int[] c = byType.computeIfAbsent(q.typeId(), k -> new int[2]);
            c[0] += isCorrect(q) ? 1 : 0;
            c[1]++;
        }
        Map<String, Object> types = new LinkedHashMap<>();
        byType.forEach((id, c) -> types.put(data.typeName(id), (double) c[0] / c[1]));
        metrics.put("types", types);
        return new ScoreResult(name(), metrics, warnings, answers.malformedCount());
    }

    public static boolean isCorrect(Question q) {
        return q.answer().equals(q.prediction());
    }

    private static Double accuracyOrNull(List<Question> questions, String dataType, List<String> warnings) {
        Double acc = accuracy(questions, dataType);
        if (acc == null) {
            warnings.add("seed_bench: no " + dataType + " questions; " + dataType + "_accuracy is undefined (null)");
        }
        return acc;
    }

    /** Correct / total over questions of one data type (all when null); null when there are none. */
    private static Double accuracy(List<Question> questions, String dataType) {
        int correct = 0;
        int total = 0;
        for (Question q : questions) {
            if (dataType == null || dataType.equals(q.dataType())) {
                total++;
                correct += isCorrect(q) ? 1 : 0;
            }
        }
        return total == 0 ? null : (double) correct / total;
    }
}
