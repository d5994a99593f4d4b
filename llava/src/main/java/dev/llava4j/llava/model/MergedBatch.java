package dev.llava4j.llava.model;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Elementwise;
import dev.llava4j.tensor.ops.Indexing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoder input after splicing image features into the token embeddings: embeddings [B, T, H], positions [B, T],
 * attention mask [B, T] (1 = real token), labels in the merged layout (or null). Builds both conventions: an image
 * token (llava-hf id or the original -200) that appears once per image is expanded to all P feature rows; a run of
 * exactly P image tokens (newer llava-hf processors) is overwritten row by row. The embeddings live on the model's
 * device; positions and the attention mask are small host tensors that {@link LlamaForCausalLM#hidden} moves.
 */
public record MergedBatch(Tensor embeddings, Tensor positions, Tensor attentionMask, long[][] labels, int[] lengths) {

    /** Which side padding goes: right for training (as LLaVA), left for batched generation. */
    public enum Padding { RIGHT, LEFT }

    /**
     * @param ids      token ids per sample (image positions marked with {@code imageToken})
     * @param labels   labels per sample aligned with ids (or null); image positions become -100
     * @param features image features [numImages, P, H] consumed in order by the image tokens (or null if none)
     */
    public static MergedBatch build(LlamaForCausalLM lm, long[][] ids, long[][] labels, Tensor features, long imageToken,
                                    int ignoreIndex, Padding padding) {
        int p = features == null ? 0 : features.size(1);
        int nextImage = 0;
        List<Tensor> rows = new ArrayList<>();
        List<long[]> mergedLabels = new ArrayList<>();
        int[] lengths = new int[ids.length];
        for (int s = 0; s < ids.length; s++) {
            long[] x = ids[s];
            long[] safe = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                safe[i] = x[i] == imageToken ? 0 : x[i];
            }
            Tensor text = lm.embed(Tensor.ofLongs(safe, safe.length));
            List<Tensor> pieces = new ArrayList<>();
            List<Long> lab = new ArrayList<>();
            int i = 0;
            while (i < x.length) {
                if (x[i] != imageToken) {
                    int j = i;
                    while (j < x.length && x[j] != imageToken) {
                        j++;
                    }
                    pieces.add(text.narrow(0, i, j - i));
                    for (int k = i; k < j; k++) {
                        lab.add(labels == null ? (long) ignoreIndex : labels[s][k]);
                    }
                    i = j;
                    continue;
                }
                int j = i;
                while (j < x.length && x[j] == imageToken) {
                    j++;
                }
                int run = j - i;
                int images = run == 1 ? 1 : (p > 0 && run % p == 0 ? run / p : -1);
                if (images < 0) {
                    throw new IllegalArgumentException("sample " + s + ": a run of " + run + " image tokens at position " + i
                            + " is neither one token per image nor a multiple of the " + p + " image positions");
                }
                if (features == null || nextImage + images > features.size(0)) {
                    throw new IllegalArgumentException("sample " + s + " needs image " + (nextImage + images)
                            + " but only " + (features == null ? 0 : features.size(0)) + " images were given");
                }
                for (int k = 0; k < images; k++) {
                    pieces.add(features.select(0, nextImage++));
                    for (int q = 0; q < p; q++) {
                        lab.add((long) ignoreIndex);
                    }
                }
                i = j;
            }
            Tensor seq = pieces.size() == 1 ? pieces.get(0) : Indexing.cat(pieces, 0);
            rows.add(seq);
            lengths[s] = seq.size(0);
            mergedLabels.add(lab.stream().mapToLong(Long::longValue).toArray());
        }
        if (features != null && nextImage != features.size(0)) {
            throw new IllegalArgumentException(features.size(0) + " images given but the prompts hold " + nextImage + " image tokens");
        }
        return pad(rows, mergedLabels, lengths, ignoreIndex, padding, labels != null);
    }

    private static MergedBatch pad(List<Tensor> rows, List<long[]> labels, int[] lengths, int ignoreIndex, Padding padding,
                                   boolean withLabels) {
        int b = rows.size();
        int t = Arrays.stream(lengths).max().orElse(0);
        int h = rows.get(0).size(1);
        List<Tensor> padded = new ArrayList<>();
        long[] pos = new long[b * t];
        double[] mask = new double[b * t];
        long[][] outLabels = withLabels ? new long[b][] : null;
        for (int s = 0; s < b; s++) {
            int n = lengths[s];
            int start = padding == Padding.LEFT ? t - n : 0;
            Tensor row = rows.get(s);
            if (n < t) {
                Tensor zeros = Tensor.zeros(row.device(), row.dtype(), t - n, h);
                row = padding == Padding.LEFT ? Indexing.cat(List.of(zeros, row), 0) : Indexing.cat(List.of(row, zeros), 0);
            }
            padded.add(row);
            if (withLabels) {
                outLabels[s] = new long[t];
                Arrays.fill(outLabels[s], ignoreIndex);
                System.arraycopy(labels.get(s), 0, outLabels[s], start, n);
            }
            for (int k = 0; k < n; k++) {
                mask[s * t + start + k] = 1;
                pos[s * t + start + k] = k;
            }
            for (int k = 0; k < t - n; k++) {
                // padded positions get position 1 like HF's cumsum rule; they are masked anyway
                pos[s * t + (padding == Padding.LEFT ? k : n + k)] = 1;
            }
        }
        Tensor emb = b == 1 ? padded.get(0).unsqueeze(0) : Indexing.stack(padded, 0);
        return new MergedBatch(emb, Tensor.ofLongs(pos, b, t), Tensor.of(mask, DType.F32, b, t), outLabels, lengths);
    }

    /** Additive mask [B, 1, 1, T] with -inf on padded keys, or null when nothing is padded. */
    public Tensor additiveMask() {
        boolean anyPad = false;
        int t = embeddings.size(1);
        for (int l : lengths) {
            anyPad |= l != t;
        }
        if (!anyPad) {
            return null;
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor keep = attentionMask.gt(0.5).reshape(attentionMask.size(0), 1, 1, t);
            return Elementwise.where(keep, Tensor.scalar(0), Tensor.scalar(Double.NEGATIVE_INFINITY));
        }
    }

    /** Labels as an I64 tensor [B, T] (merged layout). */
    public Tensor labelTensor() {
        if (labels == null) {
            throw new IllegalStateException("this batch was built without labels");
        }
        int b = labels.length;
        int t = labels[0].length;
        long[] flat = new long[b * t];
        for (int s = 0; s < b; s++) {
            System.arraycopy(labels[s], 0, flat, s * t, t);
        }
        return Tensor.ofLongs(flat, b, t);
    }
}
