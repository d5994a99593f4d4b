package dev.llava4j.cli;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.run.BenchmarkSpec;
import dev.llava4j.llava.eval.run.EvalQuestion;
import dev.llava4j.llava.eval.run.EvalRunner;
import dev.llava4j.llava.eval.run.LlavaAnswerer;
import dev.llava4j.llava.eval.run.ModelIds;
import dev.llava4j.llava.eval.run.ProgressBar;
import dev.llava4j.llava.image.ImageDecodeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code eval run}: answers a benchmark's question file with a model, as LLaVA's model_vqa*.py scripts do. */
@Command(name = "run",
        description = {"Answer a benchmark's questions into a LLaVA answer jsonl (vicuna_v1 prompt, greedy).",
                "Question files (--questions) per benchmark:",
                "  vqav2, gqa, vizwiz, textvqa, pope, mme, seed_bench   LLaVA's question jsonl (max_new_tokens 128)",
                "  llavabench, mmvet   LLaVA's question jsonl (max_new_tokens 1024, no suffix)",
                "  scienceqa           llava_test_CQM-A.json (max_new_tokens 1024)",
                "  mmbench, mmbench_cn the split's .tsv with base64 images (max_new_tokens 1024)",
                "The benchmark's answer-format suffix is appended when a question does not already end with it.",
                "Resumable: question ids already in --answers are skipped; each answer is flushed as it is written.",
                "Prints one JSON summary line; exit code 2 on bad input."})
public final class EvalRunCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--benchmark", required = true, paramLabel = "NAME", description = "benchmark name (see above)")
    String benchmark;

    @Option(names = "--questions", required = true, paramLabel = "FILE", description = "the benchmark's question file")
    Path questions;

    @Option(names = "--image-folder", paramLabel = "DIR",
            description = "folder the question file's image names are relative to (default: the working directory)")
    Path imageFolder;

    @Option(names = "--answers", required = true, paramLabel = "FILE", description = "answer jsonl to write or resume")
    Path answers;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "answer only the first N questions of the file (default 0 = all)")
    int limit;

    @Option(names = "--batch-size", defaultValue = "1", paramLabel = "B", description = "questions decoded together (default 1)")
    int batchSize;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "override the benchmark's max_new_tokens")
    Integer maxNewTokens;

    @Option(names = "--model-id", paramLabel = "NAME", description = "model_id of the answers (default: the model folder name)")
    String modelId;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|lines|off",
            description = "progress on stderr: a redrawn bar on a terminal, else a line every --progress-every questions")
    String progress;

    @Option(names = "--progress-every", defaultValue = "10", paramLabel = "N", description = "questions between progress lines (default 10)")
    int progressEvery;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            BenchmarkSpec bench = BenchmarkSpec.named(benchmark);
            if (maxNewTokens != null) {
                bench = bench.withMaxNewTokens(maxNewTokens);
            }
            String id = modelId != null ? modelId : ModelIds.fromPath(modelOptions.model);
            EvalRunner runner = new EvalRunner(new EvalRunner.Settings(limit, batchSize, id),
                    new ProgressBar(err, progressMode(progress), progressEvery, System::nanoTime, benchmark));
            List<EvalQuestion> all = bench.source().read(questions, imageFolder, bench);
            EvalRunner.Plan plan = runner.plan(all, answers);
            plan.warnings().forEach(w -> err.println("warning: " + w));
            err.printf("%s: %d question(s), %d already answered in %s, %d to answer (batch %d, max_new_tokens %d)%n",
                    benchmark, plan.selected().size(), plan.alreadyAnswered(), answers, plan.pending().size(),
                    batchSize, bench.maxNewTokens());
            err.flush();
            EvalRunner.Summary summary;
            if (plan.pending().isEmpty()) {
                summary = new EvalRunner.Summary(answers, plan.selected().size(), plan.alreadyAnswered(), 0);
            } else {
                try (LlavaModel model = modelOptions.load()) {
                    LlavaAnswerer answerer = new LlavaAnswerer(model, bench.maxNewTokens());
                    summary = runner.run(plan, answerer);
                    if (answerer.droppedIds() > 0) {
                        err.println("warning: " + answerer.droppedIds() + " generated token id(s) outside the tokenizer's"
                                + " vocabulary were left out of the answers (untrained embedding rows?)");
                    }
                }
            }
            out.println(JsonText.write(summaryJson(bench, summary)));
            return 0;
        } catch (EvalInputException | ImageDecodeException | UncheckedIOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EvalScoreCommand.EXIT_BAD_INPUT;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static Map<String, Object> summaryJson(BenchmarkSpec bench, EvalRunner.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", bench.name());
        m.put("answers", s.answers().toString());
        m.put("questions", s.selected());
        m.put("already_answered", s.alreadyAnswered());
        m.put("answered", s.answered());
        return m;
    }

    static ProgressBar.Mode progressMode(String value) {
        return switch (value) {
            case "auto" -> interactive() ? ProgressBar.Mode.BAR : ProgressBar.Mode.LINES;
            case "bar" -> ProgressBar.Mode.BAR;
            case "lines" -> ProgressBar.Mode.LINES;
            case "off" -> ProgressBar.Mode.OFF;
            default -> throw new IllegalArgumentException("--progress must be auto, bar, lines or off, got " + value);
        };
    }

    /** A terminal session (Java can only tell for stdin/stdout; stderr follows them in practice). */
    private static boolean interactive() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }
}
