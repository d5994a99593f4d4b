package dev.llava4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./llava4j eval ...}: benchmark runner, scorers and submission converters. */
@Command(name = "eval", description = "Run, score and convert the LLaVA-1.5 benchmarks.",
        subcommands = {EvalRunCommand.class, EvalScoreCommand.class, EvalConvertCommand.class, CommandLine.HelpCommand.class})
public final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
