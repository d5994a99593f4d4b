package dev.llava4j.llava.train;

import dev.llava4j.llava.data.LlavaPreprocessor;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaVA's {@code DataCollatorForSupervisedDataset} (LLAVA_SPEC 6.5): truncates every sample to the model's max
 * length (before image expansion), collects the images of the samples that have one, and counts the
 * supervised tokens. Padding is applied by {@link TrainBatch} (right side, pad id / -100).
 */
public final class Collator {

    private final int padId;
    private final int maxLength;

    /**
     * @param padId     LLaVA-1.5 pads with unk (id 0)
     * @param maxLength tokens per sample before image expansion (2048 for LLaVA-1.5)
     */
    public Collator(int padId, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("max length must be positive, got " + maxLength);
        }
        this.padId = padId;
        this.maxLength = maxLength;
    }

    public TrainBatch collate(List<TrainSample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty batch");
        }
        int n = samples.size();
        List<String> ids = new ArrayList<>(n);
        long[][] inputIds = new long[n][];
        long[][] labels = new long[n][];
        List<float[]> pixels = new ArrayList<>();
        boolean[] hasImage = new boolean[n];
        int supervised = 0;
        for (int s = 0; s < n; s++) {
            TrainSample sample = samples.get(s);
            ids.add(sample.id());
            int len = Math.min(sample.length(), maxLength);
            inputIds[s] = new long[len];
            labels[s] = new long[len];
            boolean imageKept = false;
            for (int t = 0; t < len; t++) {
                inputIds[s][t] = sample.inputIds()[t];
                labels[s][t] = sample.labels()[t];
                imageKept |= sample.inputIds()[t] == LlavaPreprocessor.IMAGE_TOKEN_INDEX;
                if (sample.labels()[t] != LlavaPreprocessor.IGNORE_INDEX) {
                    supervised++;
                }
            }
            // A placeholder cut off by truncation takes its image with it, so images and placeholders stay paired.
            if (sample.hasImage() && imageKept) {
                pixels.add(sample.pixelValues());
                hasImage[s] = true;
            }
        }
        return new TrainBatch(ids, inputIds, labels, pixels.toArray(new float[0][]), hasImage, padId, supervised);
    }
}
