package dev.llava4j.nn.loss;

import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/** Training losses. */
public final class Losses {
    /** The label value that marks positions without a target (Hugging Face's and PyTorch's default). */
    public static final long IGNORE_INDEX = -100;

    private Losses() {
    }

    /** {@link #causalLmLoss(Tensor, Tensor, long)} with ignore index -100. */
    public static Tensor causalLmLoss(Tensor logits, Tensor labels) {
        return causalLmLoss(logits, labels, IGNORE_INDEX);
    }

    /**
     * Next-token loss as {@code LlamaForCausalLM} computes it: the logits at position t predict the label at t + 1
     * (logits[:, :-1] against labels[:, 1:]), and the cross-entropy is averaged over the targets that are not
     * {@code ignoreIndex}. logits [B, T, V], labels [B, T] integer; T >= 2. NaN when every target is ignored.
     */
    public static Tensor causalLmLoss(Tensor logits, Tensor labels, long ignoreIndex) {
        if (logits.rank() != 3 || labels.rank() != 2 || logits.size(0) != labels.size(0) || logits.size(1) != labels.size(1)) {
            throw new IllegalArgumentException("causal LM loss needs logits [B, T, V] and labels [B, T], got "
                    + Shape.toString(logits.shape()) + " and " + Shape.toString(labels.shape()));
        }
        if (labels.dtype().isFloating()) {
            throw new IllegalArgumentException("causal LM labels must be integer token ids, got " + labels.dtype());
        }
        int t = logits.size(1);
        if (t < 2) {
            throw new IllegalArgumentException("causal LM loss needs at least 2 positions, got " + t);
        }
        return Functional.crossEntropy(logits.narrow(1, 0, t - 1), labels.narrow(1, 1, t - 1), ignoreIndex);
    }

    /** How many targets {@link #causalLmLoss} averages over (labels[:, 1:] that are not ignoreIndex). */
    public static long countCausalTargets(Tensor labels, long ignoreIndex) {
        if (labels.rank() != 2) {
            throw new IllegalArgumentException("labels must be [B, T], got " + Shape.toString(labels.shape()));
        }
        long n = 0;
        for (long id : labels.narrow(1, 1, labels.size(1) - 1).contiguous().toLongArray()) {
            if (id != ignoreIndex) {
                n++;
            }
        }
        return n;
    }
}
