package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.py.PyStrings;
import dev.llava4j.llava.eval.score.MmBenchTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MMBench / MMBench-CN as model_vqa_mmbench.py with {@code --single-pred-prompt} (round 0 only, as LLaVA's
 * scripts run it) reads the split's .tsv: the question is {@code hint + "\n" + question} when the hint is
 * present, then {@code "\nA. option"} for each option up to the first missing one of A-D, then the benchmark's
 * suffix on a new line (English or the CN one). "Missing" is LLaVA's is_none: a pandas NA cell or the text
 * "nan" / "none" in any case. The image is the base64 {@code image} cell. The answer line carries LLaVA's
 * extra fields round_id, options and option_char; its prompt is the question without the suffix. An option
 * column that the table lacks counts as missing (LLaVA would stop with a KeyError).
 */
public final class MmBenchQuestionSource implements QuestionSource {

    private static final List<String> OPTION_LETTERS = List.of("A", "B", "C", "D");
    private static final List<String> REQUIRED_COLUMNS = List.of("index", "question", "hint", "image");

    @Override
    public String format() {
        return "MMBench .tsv (index, question, hint, A-D, base64 image)";
    }

    @Override
    public List<EvalQuestion> read(Path questionFile, Path imageFolder, BenchmarkSpec spec) {
        MmBenchTable table = MmBenchTable.read(questionFile);
        for (String column : REQUIRED_COLUMNS) {
            if (!table.hasColumn(column)) {
                throw new EvalInputException(questionFile + ": no \"" + column + "\" column (MMBench .tsv expected)");
            }
        }
        List<EvalQuestion> out = new ArrayList<>(table.rows().size());
        for (Map<String, String> row : table.rows()) {
            out.add(question(table, row, spec));
        }
        return QuestionIds.requireUnique(out);
    }

    private static EvalQuestion question(MmBenchTable table, Map<String, String> row, BenchmarkSpec spec) {
        long index = table.index(row);
        String where = table.file() + " index " + index;
        String question = table.str(row, "question");
        if (question == null) {
            throw new EvalInputException(where + ": the question cell is empty");
        }
        String hint = table.str(row, "hint");
        if (!isNone(hint)) {
            question = hint + "\n" + question;
        }
        List<String> options = options(table, row);
        List<String> letters = OPTION_LETTERS.subList(0, options.size());
        for (int i = 0; i < options.size(); i++) {
            question = question + "\n" + letters.get(i) + ". " + options.get(i);
        }
        String image = table.str(row, "image");
        if (image == null) {
            throw new EvalInputException(where + ": the image cell is empty");
        }
        Map<String, Object> afterId = new LinkedHashMap<>();
        afterId.put("round_id", 0);
        Map<String, Object> afterText = new LinkedHashMap<>();
        afterText.put("options", List.copyOf(options));
        afterText.put("option_char", List.copyOf(letters));
        return new EvalQuestion(JsonNodeFactory.instance.numberNode(index), spec.withSuffix(question),
                new ImageSource.Base64(image, where), question, afterId, afterText, where);
    }

    /** LLaVA's get_options: the option texts in letter order, stopping at the first missing one. */
    static List<String> options(MmBenchTable table, Map<String, String> row) {
        List<String> options = new ArrayList<>();
        for (String letter : OPTION_LETTERS) {
            String value = table.hasColumn(letter) ? table.str(row, letter) : null;
            if (isNone(value)) {
                break;
            }
            options.add(value);
        }
        return options;
    }

    /** LLaVA's is_none: missing (pandas NA), or the text "nan" or "none" in any letter case. */
    static boolean isNone(String value) {
        if (value == null) {
            return true;
        }
        String lower = PyStrings.lower(value);
        return lower.equals("nan") || lower.equals("none");
    }
}
