package dev.llava4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./llava4j bench ...}: kernel and end-to-end benchmarks printing one JSON line per result. */
@Command(name = "bench", description = "Benchmarks (one JSON line per result with --json).",
        subcommands = {BenchGemmCommand.class, BenchGenerateCommand.class, BenchTrainStepCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
