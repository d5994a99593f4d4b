package dev.llava4j.llava.model;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;
import dev.llava4j.tensor.ops.Indexing;

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

    /**
     * The same loss from the final hidden states [B, T, H]: only the positions that have a target go through the LM
     * head, so its forward and backward cost scales with the supervised tokens rather than the whole sequence (in
     * LLaVA the image and prompt positions, most of each sequence, have none). Equal to
     * {@code of(lm.logits(hidden), labels, ignoreIndex)} up to float rounding; labels [B, T] are host (CPU) tensors.
     */
    public static Tensor ofHidden(LlamaForCausalLM lm, Tensor hidden, Tensor labels, int ignoreIndex) {
        int b = hidden.size(0);
        int t = hidden.size(1);
        if (hidden.rank() != 3 || labels.rank() != 2 || labels.size(0) != b || labels.size(1) != t) {
            throw new IllegalArgumentException("labels " + java.util.Arrays.toString(labels.shape())
                    + " do not match hidden states " + java.util.Arrays.toString(hidden.shape()));
        }
        long[] flat = labels.toLongArray();
        int n = 0;
        long[] rows = new long[flat.length];
        long[] targets = new long[flat.length];
        for (int s = 0; s < b; s++) {
            for (int i = 0; i + 1 < t; i++) {
                long target = flat[s * t + i + 1];
                if (target != ignoreIndex) {
                    rows[n] = (long) s * t + i; // position i predicts token i + 1
                    targets[n++] = target;
                }
            }
        }
        if (n == 0) {
            return of(lm.logits(hidden), labels, ignoreIndex); // nothing supervised: the full path's NaN, as PyTorch
        }
        Tensor index = Tensor.ofLongs(java.util.Arrays.copyOf(rows, n), n).to(hidden.device());
        Tensor picked = Indexing.indexSelect(hidden.reshape(b * t, hidden.size(2)), 0, index);
        Tensor targetTensor = Tensor.ofLongs(java.util.Arrays.copyOf(targets, n), n).to(hidden.device());
        return Functional.crossEntropy(lm.logits(picked), targetTensor, ignoreIndex);
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
