package dev.llava4j.cli;

import dev.llava4j.llava.eval.ConvertResult;
import dev.llava4j.llava.eval.Converter;
import dev.llava4j.llava.eval.Converters;
import dev.llava4j.llava.eval.EvalInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code eval convert}: writes the file a benchmark's evaluation server or grader takes. */
@Command(name = "convert",
        description = {"Write the upload / grader file for a benchmark, exactly as LLaVA's converter does.",
                "  vqav2      --questions llava_vqav2_mscoco_test2015.jsonl  -> JSON for EvalAI",
                "  vizwiz     --questions llava_test.jsonl                   -> JSON for EvalAI",
                "  seed_bench --annotations SEED-Bench.json                  -> jsonl upload file",
                "  mmbench, mmbench_cn  --annotations <split>.tsv            -> xlsx for the OpenCompass server",
                "  mmvet      (no annotations) -> JSON for the MM-Vet GPT-4 grader (external step)",
                "  gqa        (no annotations) -> testdev_balanced_predictions.json for GQA eval.py",
                "Exit code 2 on bad input."})
public final class EvalConvertCommand implements Callable<Integer> {

    @Mixin
    EvalInputOptions input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the file to write")
    Path outFile;

    @Option(names = "--json", description = "print the summary as one JSON line")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Converter converter = Converters.get(input.benchmark);
            ConvertResult result = converter.convert(input.inputs(), outFile);
            result.warnings().forEach(w -> err.println("warning: " + w));
            if (json) {
                out.println(result.toJson());
            } else {
                out.println("wrote " + result.out());
                for (Map.Entry<String, Object> e : result.summary().entrySet()) {
                    out.println("  " + e.getKey() + "  " + e.getValue());
                }
            }
            return 0;
        } catch (EvalInputException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return EvalScoreCommand.EXIT_BAD_INPUT;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
