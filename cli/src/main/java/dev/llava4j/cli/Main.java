package dev.llava4j.cli;

import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.backend.OpProfiler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./llava4j}: one picocli command with a subcommand per task. */
@Command(name = "llava4j",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // every subcommand gets --help (and --version)
        versionProvider = VersionCommand.Provider.class,
        description = "A pure-JVM tensor engine and LLaVA-1.5: inference, training, evaluation.",
        subcommands = {
                VersionCommand.class,
                InfoCommand.class,
                InspectCommand.class,
                TokenizeCommand.class,
                InspectDataCommand.class,
                PreprocessCommand.class,
                ForwardCommand.class,
                GenerateCommand.class,
                ChatCommand.class,
                TrainCommand.class,
                DemoCommand.class,
                EvalCommand.class,
                MakeRandomCheckpointCommand.class,
                BenchCommand.class,
                TestCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // LLAVA4J_PROFILE=1: time every backend operation of the command's main thread, table on stderr at the end
        OpProfiler profiler = System.getenv("LLAVA4J_PROFILE") != null ? new OpProfiler() : null;
        Backends.Handle profiling = profiler == null ? null : Backends.use(profiler.wrap(Backends.forDevice(Device.CPU)));
        int code = commandLine().execute(args);
        if (profiling != null) {
            profiling.close();
            System.err.printf("backend time per operation (LLAVA4J_PROFILE): %.1f ms in all%n%s",
                    profiler.totalNanos() / 1e6, profiler.table(30));
        }
        System.exit(code);
    }

    /** The whole command tree with the CLI's error handling (tests run commands through this too). */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::handleError);
    }

    /** Failures become one clear line on stderr and exit code 1 (usage errors are 2, by picocli). */
    private static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        cmd.getErr().flush();
        if (System.getenv("LLAVA4J_DEBUG") != null) {
            e.printStackTrace();
        }
        return e instanceof IllegalArgumentException || e instanceof java.io.IOException ? 2 : 1;
    }
}
