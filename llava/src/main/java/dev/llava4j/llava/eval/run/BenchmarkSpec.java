package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.data.ResponseFormat;
import dev.llava4j.llava.eval.EvalInputException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How LLaVA-1.5 runs one benchmark (LLAVA_SPEC 7 and 8, scripts/v1_5/eval/*.sh): the question file format,
 * the response-format suffix and max_new_tokens of the script that answers it.
 *
 * @param name         benchmark name, as {@code eval score} / {@code eval convert} spell it
 * @param source       reader of the benchmark's question file
 * @param suffix       response-format prompt put after the question on a new line; null for free-form benchmarks
 * @param maxNewTokens the generation limit of the LLaVA script (128 for model_vqa_loader.py, 1024 for the others)
 * @param llavaScript  the LLaVA script reproduced, for help texts
 */
public record BenchmarkSpec(String name, QuestionSource source, String suffix, int maxNewTokens, String llavaScript) {

    /** model_vqa_loader.py's default {@code --max_new_tokens}. */
    public static final int SHORT_ANSWER_TOKENS = 128;
    /** Hard-coded in model_vqa.py, model_vqa_science.py and model_vqa_mmbench.py. */
    public static final int LONG_ANSWER_TOKENS = 1024;

    private static final String LOADER = "model_vqa_loader.py";

    private static final Map<String, BenchmarkSpec> BY_NAME = index(List.of(
            jsonl("vqav2", ResponseFormat.SHORT_ANSWER, SHORT_ANSWER_TOKENS, LOADER),
            jsonl("gqa", ResponseFormat.SHORT_ANSWER, SHORT_ANSWER_TOKENS, LOADER),
            jsonl("vizwiz", ResponseFormat.VIZWIZ, SHORT_ANSWER_TOKENS, LOADER),
            jsonl("textvqa", ResponseFormat.SHORT_ANSWER, SHORT_ANSWER_TOKENS, LOADER),
            jsonl("pope", ResponseFormat.SHORT_ANSWER, SHORT_ANSWER_TOKENS, LOADER),
            jsonl("mme", ResponseFormat.SHORT_ANSWER, SHORT_ANSWER_TOKENS, LOADER),
            jsonl("seed_bench", ResponseFormat.MULTIPLE_CHOICE, SHORT_ANSWER_TOKENS, LOADER),
            new BenchmarkSpec("scienceqa", new ScienceQaQuestionSource(), ResponseFormat.MULTIPLE_CHOICE,
                    LONG_ANSWER_TOKENS, "model_vqa_science.py --single-pred-prompt"),
            new BenchmarkSpec("mmbench", new MmBenchQuestionSource(), ResponseFormat.MULTIPLE_CHOICE,
                    LONG_ANSWER_TOKENS, "model_vqa_mmbench.py --single-pred-prompt"),
            new BenchmarkSpec("mmbench_cn", new MmBenchQuestionSource(), ResponseFormat.MULTIPLE_CHOICE_CN,
                    LONG_ANSWER_TOKENS, "model_vqa_mmbench.py --single-pred-prompt --lang cn"),
            jsonl("llavabench", null, LONG_ANSWER_TOKENS, "model_vqa.py"),
            jsonl("mmvet", null, LONG_ANSWER_TOKENS, "model_vqa.py")));

    public BenchmarkSpec {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException(name + ": maxNewTokens must be positive, got " + maxNewTokens);
        }
    }

    /** The spec of a benchmark name; the message lists the known names otherwise. */
    public static BenchmarkSpec named(String name) {
        BenchmarkSpec spec = BY_NAME.get(name);
        if (spec == null) {
            throw new EvalInputException("unknown benchmark \"" + name + "\" for eval run; known: "
                    + String.join(", ", names()));
        }
        return spec;
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static List<BenchmarkSpec> all() {
        return List.copyOf(BY_NAME.values());
    }

    /**
     * The question with this benchmark's suffix: {@code text + "\n" + suffix}, unless the text already ends
     * with the suffix (LLaVA's question files for the loader-based benchmarks already contain it) or the
     * benchmark is free-form.
     */
    public String withSuffix(String text) {
        if (suffix == null || text.endsWith(suffix)) {
            return text;
        }
        return ResponseFormat.append(text, suffix);
    }

    /** Same spec with another generation limit (a user override). */
    public BenchmarkSpec withMaxNewTokens(int tokens) {
        return new BenchmarkSpec(name, source, suffix, tokens, llavaScript);
    }

    private static BenchmarkSpec jsonl(String name, String suffix, int maxNewTokens, String script) {
        return new BenchmarkSpec(name, new JsonlQuestionSource(), suffix, maxNewTokens, script);
    }

    private static Map<String, BenchmarkSpec> index(List<BenchmarkSpec> specs) {
        Map<String, BenchmarkSpec> map = new LinkedHashMap<>();
        for (BenchmarkSpec s : specs) {
            map.put(s.name(), s);
        }
        return map;
    }
}
