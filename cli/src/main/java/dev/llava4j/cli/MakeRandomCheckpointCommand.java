package dev.llava4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.llava.model.RandomCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./llava4j make-random-checkpoint}: a random-weight checkpoint of a real LLaVA shape, for benchmarks. */
@Command(name = "make-random-checkpoint", description = "Write a random-weight LLaVA checkpoint (llava-hf layout, sharded).")
public final class MakeRandomCheckpointCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "7b|13b|FILE", description = "A preset or a LlavaConfig config.json.")
    String config;

    @Option(names = "--dtype", defaultValue = "bf16", paramLabel = "bf16|f16|f32")
    String dtype;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "Copy tokenizer files from DIR (default: the LLaMA tokenizer bundled with llava4j).")
    Path tokenizer;

    @Override
    public Integer call() throws Exception {
        ObjectNode cfg = config.equals("7b") || config.equals("13b") ? RandomCheckpoint.presetConfig(config)
                : (ObjectNode) new ObjectMapper().readTree(Path.of(config).toFile());
        Path tok = tokenizer != null ? tokenizer : BundledTokenizer.extract();
        long start = System.nanoTime();
        RandomCheckpoint.write(cfg, ModelOptions.parseDtype(dtype), out, seed, tok);
        long bytes;
        try (var files = Files.list(out)) {
            bytes = files.filter(p -> p.toString().endsWith(".safetensors")).mapToLong(p -> p.toFile().length()).sum();
        }
        System.err.printf("wrote %s: %.2f GB of weights in %.1f s%n", out, bytes / 1e9, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
