package dev.llava4j.cli;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.Scorer;
import dev.llava4j.llava.eval.Scorers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/** {@code eval score}: scores an answer file the way the benchmark's official evaluation code does. */
@Command(name = "score",
        description = {"Score a model's answer file as the benchmark's official evaluation code does.",
                "Benchmarks and what --annotations/--questions must be:",
                "  textvqa      --annotations TextVQA_0.5.1_val.json",
                "  pope         --annotations <folder of coco_pope_*.json> --questions llava_pope_test.jsonl",
                "  mme          --annotations <MME_Benchmark_release_version folder>",
                "  scienceqa    --annotations <folder with problems.json and pid_splits.json>",
                "  gqa          --annotations testdev_balanced_questions.json",
                "  seed_bench   --annotations SEED-Bench.json",
                "  mmbench, mmbench_cn  --annotations <split>.tsv (circular evaluation)",
                "  llavabench   --answers <GPT-4 review jsonl> (GPT-4 judging itself is external)",
                "Accuracies are fractions in [0,1]; MME scores are points. Exit code 2 on bad input."})
public final class EvalScoreCommand implements Callable<Integer> {

    /** Exit code for unreadable or inconsistent input. */
    public static final int EXIT_BAD_INPUT = 2;

    @Mixin
    EvalInputOptions input;

    @Option(names = "--json", description = "print the scores as one JSON line")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Scorer scorer = Scorers.get(input.benchmark);
            ScoreResult result = scorer.score(input.inputs());
            result.warnings().forEach(w -> err.println("warning: " + w));
            out.print(json ? result.toJson() + "\n" : result.toTable());
            return 0;
        } catch (EvalInputException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return EXIT_BAD_INPUT;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
