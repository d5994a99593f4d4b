package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.Scorer;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.py.PyFormat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LLaVA-Bench-in-the-Wild summary from a GPT-4 review file, as {@code summarize_gpt_review.py}: per
 * review the (reference, model) score pair is its {@code tuple} field, or {@code parse_score(content)}
 * for raw reviews; failed parses count as (-1, -1) like any other pair. For "all" and each category
 * (sorted): mean of the pairs (summed in file order), each rounded to 3 decimals; then
 * relative = round(model/reference·100, 1), gpt4 = round(reference·10, 1), model = round(model·10, 1).
 * The GPT-4 judging itself is external (it needs the OpenAI API).
 */
public final class LlavaBenchScorer implements Scorer {

    private static final String ALL = "all";

    @Override
    public String name() {
        return "llavabench";
    }

    @Override
    public String inputsHelp() {
        return "--answers the GPT-4 review jsonl (--annotations is not needed)";
    }

    @Override
    public ScoreResult score(EvalInputs inputs) {
        AnswerFile reviews = AnswerFile.read(inputs.answers());
        List<String> warnings = new ArrayList<>();
        if (reviews.malformedWarning() != null) {
            warnings.add(reviews.malformedWarning());
        }
        Map<String, List<double[]>> pairs = new TreeMap<>();
        int failed = 0;
        for (JsonLine line : reviews.lines()) {
            double[] pair = pair(line);
            if (pair[0] == -1 && pair[1] == -1) {
                failed++;
            }
            if (line.has("category")) {
                pairs.computeIfAbsent(line.text("category"), k -> new ArrayList<>()).add(pair);
            }
            pairs.computeIfAbsent(ALL, k -> new ArrayList<>()).add(pair);
        }
        if (pairs.isEmpty()) {
            throw new EvalInputException(inputs.answers() + ": no reviews");
        }
        if (failed > 0) {
            warnings.add("llavabench: " + failed + " review(s) have no parsable score pair; they count as (-1, -1) "
                    + "as in the official summary");
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        pairs.forEach((key, list) -> metrics.put(key, summarize(key, list, warnings)));
        return new ScoreResult(name(), metrics, warnings, reviews.malformedCount());
    }

    /** The review's score pair: its "tuple", else parse_score of its "content". */
    static double[] pair(JsonLine line) {
        if (line.has("tuple")) {
            JsonNode t = line.node("tuple");
            if (!t.isArray() || t.size() != 2 || !t.get(0).isNumber() || !t.get(1).isNumber()) {
                throw new EvalInputException(line.where() + ": \"tuple\" must be a list of two numbers, found " + t);
            }
            return new double[] {t.get(0).doubleValue(), t.get(1).doubleValue()};
        }
        return LlavaBenchReviewParser.parse(line.text("content"));
    }

    /** One printed row: {relative, gpt4, model}. */
    static Map<String, Object> summarize(String key, List<double[]> pairs, List<String> warnings) {
        double sumRef = 0;
        double sumModel = 0;
        for (double[] p : pairs) {
            sumRef += p[0];
            sumModel += p[1];
        }
        double ref = PyFormat.round(sumRef / pairs.size(), 3);
        double model = PyFormat.round(sumModel / pairs.size(), 3);
        Map<String, Object> row = new LinkedHashMap<>();
        if (ref == 0) {
            warnings.add("llavabench " + key + ": mean reference score is 0; relative score undefined (null)");
            row.put("relative", null);
        } else {
            row.put("relative", PyFormat.round(model / ref * 100, 1));
        }
        row.put("gpt4", PyFormat.round(ref * 10, 1));
        row.put("model", PyFormat.round(model * 10, 1));
        return row;
    }
}
