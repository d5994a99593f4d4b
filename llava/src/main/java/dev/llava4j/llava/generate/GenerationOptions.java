package dev.llava4j.llava.generate;

import java.util.List;

/**
 * Decoding settings. temperature 0 = greedy (argmax, as every LLaVA benchmark uses); otherwise sampling from
 * softmax(logits / temperature) restricted by topK (0 = off) and topP (1 = off), seeded for reproducibility.
 * repetitionPenalty follows Hugging Face (logits of seen tokens divided when positive, multiplied when negative).
 */
public record GenerationOptions(int maxNewTokens, double temperature, int topK, double topP, long seed,
                                double repetitionPenalty, List<String> stopStrings, boolean stopAtEos) {

    public GenerationOptions {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (temperature < 0 || topK < 0 || topP <= 0 || topP > 1 || repetitionPenalty <= 0) {
            throw new IllegalArgumentException("invalid sampling settings: temperature " + temperature + ", top_k " + topK
                    + ", top_p " + topP + ", repetition_penalty " + repetitionPenalty);
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
    }

    public static GenerationOptions greedy(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, 0, 0, 1, 0, 1, List.of(), true);
    }

    public GenerationOptions withSampling(double temperature, int topK, double topP, long seed) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, seed, repetitionPenalty, stopStrings, stopAtEos);
    }

    public GenerationOptions withRepetitionPenalty(double penalty) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, seed, penalty, stopStrings, stopAtEos);
    }

    public GenerationOptions withStopStrings(List<String> stops) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, seed, repetitionPenalty, stops, stopAtEos);
    }

    public GenerationOptions withStopAtEos(boolean stop) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, seed, repetitionPenalty, stopStrings, stop);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
