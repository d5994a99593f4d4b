package dev.llava4j.llava.model;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/** LLaVA's training loss: mean cross-entropy of logits[:, :-1] against labels[:, 1:] over labels != ignore. */
public final class CausalLmLoss {
    private CausalLmLoss() {
    }

    public static Tensor of(Tensor logits, Tensor labels, int ignoreIndex) {
        int t = logits.size(1);
        if (labels.size(1) != t || labels.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("labels " + java.util.Arrays.toString(labels.shape())
                    + " do not match logits " + java.util.Arrays.toString(logits.shape()));
        }
        Tensor shiftedLogits = logits.narrow(1, 0, t - 1);
        Tensor shiftedLabels = labels.to(logits.device()).narrow(1, 1, t - 1); // labels are built on the host
        return Functional.crossEntropy(shiftedLogits, shiftedLabels, ignoreIndex);
    }

    /** Number of supervised (position, target) pairs in a label batch. */
    public static long targets(long[][] labels, int ignoreIndex) {
        long n = 0;
        for (long[] row : labels) {
            for (int i = 1; i < row.length; i++) {
                if (row[i] != ignoreIndex) {
                    n++;
                }
            }
        }
        return n;
    }
}
