package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.Scorer;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.JsonLine;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * MMBench / MMBench-CN dev with circular evaluation, as LLaVA's {@code convert_mmbench_for_submission.py}
 * followed by OpenCompass's {@code tools/eval_mmbench.py}. A question (index &lt; 1e6) and its circular
 * copies (index + k·1e6, rotated options) form a group; the group scores 1 unless some prediction's
 * extracted letter ({@link MmBenchChoiceExtractor}) differs from that row's answer. Groups the heuristic
 * cannot settle would go to ChatGPT; here they score 0 and are counted in {@code unresolved_groups}.
 * Means per split (full/dev/test; null where a split is empty), per l2-category and per category.
 */
public final class MmBenchScorer implements Scorer {

    private static final long CIRCULAR = 1_000_000L;
    private static final List<String> SPLITS = List.of("full", "dev", "test");

    private final String name;

    /** @param name "mmbench" or "mmbench_cn" (the scoring is the same) */
    public MmBenchScorer(String name) {
        this.name = name;
    }

    /** One main question's group result. */
    public record GroupHit(long index, int hit, boolean unresolved, String split, String category, String l2Category) {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String inputsHelp() {
        return "--annotations the split's .tsv (mmbench_dev_20230712.tsv / mmbench_dev_cn_20231003.tsv)";
    }

    @Override
    public ScoreResult score(EvalInputs inputs) {
        Path tsv = inputs.requireAnnotations(name, "the split's .tsv");
        AnswerFile answers = AnswerFile.read(inputs.answers());
        MmBenchTable table = MmBenchTable.read(tsv);
        List<String> warnings = new ArrayList<>();
        if (answers.malformedWarning() != null) {
            warnings.add(answers.malformedWarning());
        }
        List<GroupHit> groups = scoreGroups(table, predictions(answers), warnings);
        if (groups.isEmpty()) {
            throw new EvalInputException(tsv + ": no main questions (index < 1000000)");
        }
        long unresolved = groups.stream().filter(GroupHit::unresolved).count();
        if (unresolved > 0) {
            warnings.add(name + ": " + unresolved + " group(s) need the official ChatGPT fallback (no prediction is "
                    + "wrong, but some cannot be read); they are scored as misses");
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("overall", bySplit(groups));
        Map<String, Object> l2 = new LinkedHashMap<>();
        if (table.hasColumn("l2-category")) {
            for (String c : new TreeSet<>(groups.stream().map(GroupHit::l2Category).toList())) {
                l2.put(c, bySplit(groups.stream().filter(g -> g.l2Category().equals(c)).toList()));
            }
        }
        metrics.put("l2", l2);
        Map<String, Object> leaf = new LinkedHashMap<>();
        for (String c : new TreeSet<>(groups.stream().map(GroupHit::category).toList())) {
            leaf.put(c, bySplit(groups.stream().filter(g -> g.category().equals(c)).toList()));
        }
        metrics.put("leaf", leaf);
        metrics.put("unresolved_groups", (int) unresolved);
        return new ScoreResult(name, metrics, warnings, answers.malformedCount());
    }

    /** question_id → text; later lines win, as the converter's repeated .loc assignment does. */
    public static Map<Object, String> predictions(AnswerFile answers) {
        Map<Object, String> map = new HashMap<>();
        for (JsonLine line : answers.lines()) {
            map.put(line.key("question_id"), line.text("text"));
        }
        return map;
    }

    /** The prediction as eval_mmbench.py sees it after the xlsx round trip: missing or NA-like → "nan". */
    public static String predictionAfterRoundTrip(String raw) {
        return raw == null || MmBenchTable.NA_VALUES.contains(raw) ? "nan" : raw;
    }

    /** Circular evaluation of every main question, in index order. */
    public static List<GroupHit> scoreGroups(MmBenchTable table, Map<Object, String> predictions, List<String> warnings) {
        for (String c : List.of("index", "answer", "category")) {
            if (!table.hasColumn(c)) {
                throw new EvalInputException(table.file() + ": no \"" + c + "\" column");
            }
        }
        List<Map<String, String>> rows = new ArrayList<>(table.rows());
        rows.sort(Comparator.comparingLong(table::index));
        Map<Long, List<Map<String, String>>> byGroup = new TreeMap<>();
        int withoutPrediction = 0;
        for (Map<String, String> row : rows) {
            byGroup.computeIfAbsent(Math.floorMod(table.index(row), CIRCULAR), k -> new ArrayList<>()).add(row);
            if (predictions.get(BigInteger.valueOf(table.index(row))) == null) {
                withoutPrediction++;
            }
        }
        if (withoutPrediction > 0) {
            warnings.add(table.file() + ": " + withoutPrediction + " row(s) have no prediction; read as \"nan\" "
                    + "as the official xlsx round trip does");
        }
        List<GroupHit> hits = new ArrayList<>();
        for (Map<String, String> main : rows) {
            long index = table.index(main);
            if (index >= CIRCULAR) {
                continue;
            }
            int[] outcome = groupOutcome(table, byGroup.get(Math.floorMod(index, CIRCULAR)), predictions);
            hits.add(new GroupHit(index, outcome[0], outcome[1] == 1, str(table, main, "split"),
                    str(table, main, "category"), table.hasColumn("l2-category") ? str(table, main, "l2-category") : ""));
        }
        return hits;
    }

    /** {hit, unresolved}: a miss as soon as a readable prediction is wrong; unresolved if some are unreadable. */
    private static int[] groupOutcome(MmBenchTable table, List<Map<String, String>> group, Map<Object, String> predictions) {
        boolean unreadable = false;
        for (Map<String, String> row : group) {
            String prediction = predictionAfterRoundTrip(predictions.get(BigInteger.valueOf(table.index(row))));
            String letter = MmBenchChoiceExtractor.infer(prediction, options(table, row));
            if (letter == null) {
                unreadable = true;
            } else if (!letter.equals(table.str(row, "answer"))) {
                return new int[] {0, 0};
            }
        }
        return unreadable ? new int[] {0, 1} : new int[] {1, 0};
    }

    private static Map<String, String> options(MmBenchTable table, Map<String, String> row) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String letter : List.of("A", "B", "C", "D")) {
            String text = table.hasColumn(letter) ? table.str(row, letter) : null;
            if (text != null) {
                options.put(letter, text);
            }
        }
        return options;
    }

    private static String str(MmBenchTable table, Map<String, String> row, String column) {
        String v = table.hasColumn(column) ? table.str(row, column) : null;
        return v == null ? "nan" : v;
    }

    /** {full, dev, test} → mean hit, null for an empty split. */
    private static Map<String, Object> bySplit(List<GroupHit> groups) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String split : SPLITS) {
            List<GroupHit> g = split.equals("full") ? groups
                    : groups.stream().filter(h -> h.split().equals(split)).toList();
            int sum = g.stream().mapToInt(GroupHit::hit).sum();
            m.put(split, g.isEmpty() ? null : (double) sum / g.size());
        }
        return m;
    }
}
