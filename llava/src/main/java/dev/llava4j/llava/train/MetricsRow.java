package dev.llava4j.llava.train;

/**
 * One optimizer step as logged in {@code metrics.jsonl}. Non-finite values are written as JSON null and read
 * back as NaN.
 */
public record MetricsRow(long step, double loss, double lr, double gradNorm, double tokensPerSecond) {
}
