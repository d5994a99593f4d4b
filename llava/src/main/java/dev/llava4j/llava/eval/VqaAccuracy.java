package dev.llava4j.llava.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VQA soft accuracy as TextVQA's {@code TextVQAAccuracyEvaluator} computes it: for a candidate u,
 * the mean over the n annotators i of {@code min(1, #{j != i : gt_j == u} / 3)}, summed in list
 * order (so the last bit can depend on where the matches sit: 0.6 vs 0.6000000000000001).
 */
public final class VqaAccuracy {

    private VqaAccuracy() {
    }

    /** Score of every distinct (already normalized) ground-truth answer. */
    public static Map<String, Double> answerScores(List<String> groundTruth) {
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String candidate : groundTruth) {
            if (!scores.containsKey(candidate)) {
                scores.put(candidate, scoreOf(candidate, groundTruth));
            }
        }
        return scores;
    }

    /** Score of an (already normalized) prediction: its answer score, or 0.0 if no annotator gave it. */
    public static double score(String prediction, List<String> groundTruth) {
        return groundTruth.contains(prediction) ? scoreOf(prediction, groundTruth) : 0.0;
    }

    private static double scoreOf(String candidate, List<String> groundTruth) {
        int n = groundTruth.size();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int matches = 0;
            for (int j = 0; j < n; j++) {
                if (j != i && groundTruth.get(j).equals(candidate)) {
                    matches++;
                }
            }
            sum += Math.min(1.0, matches / 3.0);
        }
        return sum / n;
    }
}
