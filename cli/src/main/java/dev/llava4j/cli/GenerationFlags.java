package dev.llava4j.cli;

import dev.llava4j.llava.generate.GenerationOptions;
import picocli.CommandLine.Option;

import java.util.List;

/** Decoding options shared by generate and chat (picocli mixin). */
public final class GenerationFlags {
    @Option(names = "--max-new-tokens", defaultValue = "512", description = "Maximum tokens to generate (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default); > 0 samples.")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens (0 = off).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling mass (1 = off).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed.")
    long seed;

    @Option(names = "--repetition-penalty", defaultValue = "1.0", description = "Hugging Face repetition penalty (1 = off).")
    double repetitionPenalty;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when the answer contains TEXT (repeatable).")
    List<String> stops = List.of();

    GenerationOptions options() {
        return GenerationOptions.greedy(maxNewTokens).withSampling(temperature, topK, topP, seed)
                .withRepetitionPenalty(repetitionPenalty).withStopStrings(stops);
    }
}
