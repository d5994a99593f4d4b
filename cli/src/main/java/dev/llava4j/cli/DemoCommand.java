package dev.llava4j.cli;

import dev.llava4j.llava.demo.DemoPipeline;
import dev.llava4j.llava.demo.DemoReport;
import dev.llava4j.llava.demo.DemoSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./llava4j demo}: LLaVA-1.5's paper in miniature on the CPU. Builds the synthetic shapes world, trains
 * stand-in backbones (for CLIP and Vicuna), runs stage 1 and stage 2 with the real trainer, evaluates on held-out
 * images and writes results.json, report.md and plots into the output folder.
 */
@Command(name = "demo",
        description = {"LLaVA's recipe in miniature: a synthetic world of coloured shapes, tiny stand-in backbones "
                + "(for CLIP and Vicuna, which cannot be shipped), stage 1 + stage 2 with the real trainer, and a "
                + "held-out evaluation (short-answer accuracy, the response-format finding, POPE).",
                "Full run about 2-3 minutes on 2 cores; --quick under a minute."})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR",
            description = "Output folder (results.json, report.md, plots/, checkpoints). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--quick", description = "Smaller world and fewer steps (the CI smoke test).")
    boolean quick;

    @Option(names = "--ablation", paramLabel = "WHAT",
            description = "'projector': train both stages again with a linear projector and compare with the MLP.")
    String ablation;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seed of everything random (same seed, same numbers). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (ablation != null && !ablation.equals("projector")) {
            err.println("demo: --ablation supports 'projector' (MLP vs linear), got '" + ablation + "'");
            return 2;
        }
        DemoSettings settings = quick ? DemoSettings.quick() : DemoSettings.full();
        DemoPipeline.Outcome outcome = DemoPipeline.run(
                new DemoPipeline.Options(out, settings, seed, ablation != null), stdout);
        DemoReport.write(outcome);
        stdout.println();
        stdout.print(DemoReport.table(outcome));
        stdout.println();
        stdout.println("Stand-in backbones (not CLIP / Vicuna); report: " + out.resolve(DemoReport.REPORT_MD)
                + ", numbers: " + out.resolve(DemoReport.RESULTS_JSON));
        stdout.flush();
        return 0;
    }
}
