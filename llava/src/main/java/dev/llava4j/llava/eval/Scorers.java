package dev.llava4j.llava.eval;

import dev.llava4j.llava.eval.score.GqaScorer;
import dev.llava4j.llava.eval.score.LlavaBenchScorer;
import dev.llava4j.llava.eval.score.MmBenchScorer;
import dev.llava4j.llava.eval.score.MmeScorer;
import dev.llava4j.llava.eval.score.PopeScorer;
import dev.llava4j.llava.eval.score.ScienceQaScorer;
import dev.llava4j.llava.eval.score.SeedBenchScorer;
import dev.llava4j.llava.eval.score.TextVqaScorer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The scorers by benchmark name. */
public final class Scorers {

    private static final Map<String, Scorer> BY_NAME = index(List.of(
            new TextVqaScorer(), new PopeScorer(), new MmeScorer(), new ScienceQaScorer(), new GqaScorer(),
            new SeedBenchScorer(), new MmBenchScorer("mmbench"), new MmBenchScorer("mmbench_cn"),
            new LlavaBenchScorer()), Scorer::name);

    private Scorers() {
    }

    /** The scorer for a benchmark name; the message lists the known names otherwise. */
    public static Scorer get(String benchmark) {
        Scorer s = BY_NAME.get(benchmark);
        if (s == null) {
            throw new EvalInputException("unknown benchmark \"" + benchmark + "\" for scoring; known: "
                    + String.join(", ", names()));
        }
        return s;
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** Items by name, in registration order. */
    static <T> Map<String, T> index(List<T> items, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        for (T item : items) {
            map.put(name.apply(item), item);
        }
        return map;
    }
}
