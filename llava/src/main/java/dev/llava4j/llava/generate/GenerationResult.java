package dev.llava4j.llava.generate;

/**
 * The new tokens of one prompt, their decoded text (after stop-string truncation), why decoding stopped
 * ("eos", "stop_string", "max_new_tokens") and timings.
 */
public record GenerationResult(int[] ids, String text, String stopReason, int promptPositions, long prefillNanos,
                               long decodeNanos) {
}
