package dev.llava4j.nn.lora;

/** LoRA hyperparameters: rank r, alpha (the update is scaled by alpha / r) and dropout on the adapter's input. */
public record LoraConfig(int r, double alpha, double dropout) {
    public LoraConfig {
        if (r < 1) {
            throw new IllegalArgumentException("LoRA rank r must be >= 1, got " + r);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be finite and > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must lie in [0, 1), got " + dropout);
        }
    }

    /** PEFT's scaling without rsLoRA: alpha / r. */
    public double scaling() {
        return alpha / r;
    }
}
