package dev.llava4j.cli;

import dev.llava4j.backend.cuda.CudaRuntime;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code --device} on every command that runs a model. Where no CUDA driver or GPU exists, {@code --device cuda}
 * must end with exactly one "error: CUDA is not available: ..." line and a non-zero exit code, before any model is
 * read (the model paths here do not exist), with no stack trace.
 */
class DeviceOptionTest {
    private static final List<List<String>> COMMANDS = List.of(
            List.of("forward", "--model", "no-such-dir", "--image", "no.png", "--prompt", "hi", "--out", "o.safetensors"),
            List.of("generate", "--model", "no-such-dir", "--prompt", "hi"),
            List.of("chat", "--model", "no-such-dir"),
            List.of("train", "--stage", "1", "--model", "no-such-dir", "--data", "no.json", "--image-folder", "x",
                    "--output", "out"),
            List.of("bench", "generate", "--model", "no-such-dir", "--image", "no.png"),
            List.of("bench", "train-step", "--config", "no-such-config.json"));

    private record Outcome(int code, String err) {
    }

    private static Outcome run(List<String> args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setErr(new PrintWriter(err));
        cmd.setOut(new PrintWriter(new StringWriter()));
        int code = cmd.execute(args.toArray(new String[0]));
        return new Outcome(code, err.toString());
    }

    private static List<String> with(List<String> command, String... extra) {
        List<String> all = new java.util.ArrayList<>(command);
        all.addAll(List.of(extra));
        return all;
    }

    @Test
    void cudaWithoutAGpuFailsWithOneLineNamingWhatIsMissing() {
        assumeFalse(CudaRuntime.available(), "this machine has a GPU; the error path cannot be observed");
        for (List<String> command : COMMANDS) {
            Outcome o = run(with(command, "--device", "cuda"));
            assertEquals(1, o.code(), command + ": " + o.err());
            List<String> lines = o.err().lines().toList();
            assertEquals(1, lines.size(), command + " printed more than one line: " + o.err());
            assertEquals("error: CUDA is not available: " + CudaRuntime.unavailableReason(), lines.get(0), command.toString());
        }
    }

    @Test
    void anUnknownDeviceIsAUsageError() {
        for (List<String> command : COMMANDS) {
            Outcome o = run(with(command, "--device", "tpu"));
            assertEquals(2, o.code(), command + ": " + o.err());
            assertEquals("error: --device: unknown device 'tpu' (expected cpu or cuda)", o.err().strip(), command.toString());
        }
    }

    @Test
    void cpuIsTheDefaultAndGetsPastTheDeviceCheck() {
        // with the default device the commands proceed to reading the (missing) model and fail there instead
        Outcome o = run(COMMANDS.get(1));
        assertTrue(o.code() != 0 && o.err().startsWith("error: ") && !o.err().contains("CUDA"), o.err());
    }
}
