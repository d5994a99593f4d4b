package dev.llava4j.cli;

import dev.llava4j.llava.eval.EvalInputs;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The benchmark inputs shared by {@code eval score} and {@code eval convert} (a picocli mixin). */
final class EvalInputOptions {
    @Option(names = "--benchmark", required = true, paramLabel = "NAME", description = "benchmark name (see above)")
    String benchmark;

    @Option(names = "--answers", required = true, paramLabel = "FILE", description = "the model's answer jsonl")
    Path answers;

    @Option(names = "--annotations", paramLabel = "PATH",
            description = "the benchmark's annotation file or folder (see above)")
    Path annotations;

    @Option(names = "--questions", paramLabel = "FILE", description = "the question file (pope, vqav2, vizwiz)")
    Path questions;

    EvalInputs inputs() {
        return new EvalInputs(answers, annotations, questions);
    }
}
