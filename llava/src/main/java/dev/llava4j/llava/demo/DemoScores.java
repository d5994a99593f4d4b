package dev.llava4j.llava.demo;

import dev.llava4j.llava.eval.score.PopeAnswerParser;
import dev.llava4j.llava.eval.score.PopeScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's evaluation numbers, all fractions in [0, 1].
 *
 * @param shortAnswerAccuracy          open questions asked with the response-format prompt: exact match after
 *                                     lower-casing, trimming and dropping a trailing period
 * @param colorShapeAccuracy           the same over the colour and shape questions only
 * @param accuracyByKind               the same per question kind (color, shape, count, position)
 * @param questionsByKind              how many short-answer questions each kind had
 * @param shortFormatRateWithPrompt    answers to those questions that are short (at most 3 words, no sentence)
 * @param fullSentenceRateWithoutPrompt answers to the same questions asked without the prompt that are full
 *                                     sentences ({@link #isFullSentence})
 * @param sentenceAccuracyWithoutPrompt those answers that equal the expected sentence
 * @param pope                         POPE-style yes/no existence questions (accuracy, precision, recall, F1,
 *                                     yes ratio), parsed with LLaVA's eval_pope rule
 */
public record DemoScores(double shortAnswerAccuracy, double colorShapeAccuracy, Map<String, Double> accuracyByKind,
                         Map<String, Integer> questionsByKind, double shortFormatRateWithPrompt,
                         double fullSentenceRateWithoutPrompt, double sentenceAccuracyWithoutPrompt,
                         PopeScorer.CategoryScore pope) {

    /** Scores the answers (by question id) to every item; a missing answer is an error. */
    public static DemoScores score(List<EvalItem> items, Map<String, String> answers) {
        Tally all = new Tally();
        Tally colorShape = new Tally();
        Tally shortFormat = new Tally();
        Tally sentences = new Tally();
        Tally sentenceRight = new Tally();
        Map<String, Tally> byKind = new LinkedHashMap<>();
        for (QuestionKind k : SceneLanguage.OPEN_KINDS) {
            byKind.put(k.label(), new Tally());
        }
        List<String> popeTexts = new ArrayList<>();
        List<Boolean> popeLabels = new ArrayList<>();
        for (EvalItem item : items) {
            String answer = answers.get(item.questionId());
            if (answer == null) {
                throw new IllegalArgumentException("no answer for evaluation question '" + item.questionId() + "'");
            }
            if (item.kind() == QuestionKind.EXISTENCE) {
                popeTexts.add(answer);
                popeLabels.add("yes".equals(item.label()));
            } else if (item.format().equals(EvalItem.SHORT)) {
                boolean right = isCorrect(item, answer);
                all.add(right);
                byKind.get(item.kind().label()).add(right);
                if (item.kind() == QuestionKind.COLOR || item.kind() == QuestionKind.SHAPE) {
                    colorShape.add(right);
                }
                shortFormat.add(!isFullSentence(answer) && words(answer) <= 3);
            } else {
                sentences.add(isFullSentence(answer));
                sentenceRight.add(isCorrect(item, answer));
            }
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        byKind.forEach((k, t) -> {
            accuracy.put(k, t.rate());
            counts.put(k, t.total);
        });
        PopeScorer.CategoryScore pope = PopeScorer.scoreCategory("demo", popeTexts, popeLabels, new ArrayList<>());
        return new DemoScores(all.rate(), colorShape.rate(), accuracy, counts, shortFormat.rate(), sentences.rate(),
                sentenceRight.rate(), pope);
    }

    /** Right or wrong by the rule of the item's format (yes/no parse, exact short answer, exact sentence). */
    public static boolean isCorrect(EvalItem item, String answer) {
        if (answer == null) {
            return false;
        }
        if (item.kind() == QuestionKind.EXISTENCE) {
            return PopeAnswerParser.isNo(answer) == "no".equals(item.label());
        }
        return normalize(answer).equals(normalize(item.answer()));
    }

    /** Lower case, trimmed, one trailing period dropped. */
    public static String normalize(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        return t.endsWith(".") ? t.substring(0, t.length() - 1).strip() : t;
    }

    /** A full sentence: at least 3 words and a final period. */
    public static boolean isFullSentence(String s) {
        String t = s.strip();
        return t.endsWith(".") && words(t) >= 3;
    }

    private static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** The numbers of results.json (the specified keys first). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("short_answer_accuracy", finite(shortAnswerAccuracy));
        m.put("full_sentence_rate_without_prompt", finite(fullSentenceRateWithoutPrompt));
        m.put("pope_f1", finite(popeF1()));
        m.put("color_shape_accuracy", finite(colorShapeAccuracy));
        Map<String, Object> byKind = new LinkedHashMap<>();
        accuracyByKind.forEach((k, v) -> byKind.put(k, finite(v)));
        m.put("accuracy_by_kind", byKind);
        m.put("questions_by_kind", questionsByKind);
        m.put("short_format_rate_with_prompt", finite(shortFormatRateWithPrompt));
        m.put("sentence_accuracy_without_prompt", finite(sentenceAccuracyWithoutPrompt));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("accuracy", pope.accuracy());
        p.put("precision", pope.precision());
        p.put("recall", pope.recall());
        p.put("f1", finite(popeF1()));
        p.put("yes_ratio", pope.yesRatio());
        p.put("samples", pope.samples());
        m.put("pope", p);
        return m;
    }

    /**
     * POPE F1 as 2TP / (2TP + FP + FN): LLaVA's 2PR / (P + R) wherever that is defined, and 0 when the model found
     * none of the present objects (then precision and recall are 0 or undefined, and eval_pope divides by zero);
     * NaN only without any positive label or answer.
     */
    public double popeF1() {
        int denominator = 2 * pope.tp() + pope.fp() + pope.fn();
        return denominator == 0 ? Double.NaN : 2.0 * pope.tp() / denominator;
    }

    /** JSON has no NaN: a rate over no questions is written as null. */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Right answers out of asked questions. */
    private static final class Tally {
        int right;
        int total;

        void add(boolean ok) {
            total++;
            right += ok ? 1 : 0;
        }

        double rate() {
            return total == 0 ? Double.NaN : (double) right / total;
        }
    }
}
