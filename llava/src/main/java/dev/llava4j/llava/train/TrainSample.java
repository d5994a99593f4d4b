package dev.llava4j.llava.train;

import dev.llava4j.llava.data.LlavaPreprocessor;

/**
 * One preprocessed training sample: token ids with {@link LlavaPreprocessor#IMAGE_TOKEN_INDEX} (-200) where the
 * image goes, labels with {@link LlavaPreprocessor#IGNORE_INDEX} (-100) on every position without loss, and the
 * image's pixel values {@code [3, H, W]} (null for a text-only sample).
 *
 * <p>The arrays are not copied (pixel values are large and pass through several hands); nobody may modify them.
 *
 * @param id the record id, for messages
 */
public record TrainSample(String id, int[] inputIds, int[] labels, float[] pixelValues) {

    public TrainSample {
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException("sample '" + id + "': " + inputIds.length + " input ids but "
                    + labels.length + " labels");
        }
        int placeholders = 0;
        for (int t : inputIds) {
            if (t == LlavaPreprocessor.IMAGE_TOKEN_INDEX) {
                placeholders++;
            }
        }
        // One image per sample, as LLaVA-1.5: exactly one placeholder when pixels are given, none otherwise.
        int expected = pixelValues == null ? 0 : 1;
        if (placeholders != expected) {
            throw new IllegalArgumentException("sample '" + id + "' has " + placeholders + " image placeholders ("
                    + LlavaPreprocessor.IMAGE_TOKEN_INDEX + ") but " + (pixelValues == null ? "no image" : "one image"));
        }
    }

    public boolean hasImage() {
        return pixelValues != null;
    }

    /** Token count before image expansion (the placeholder counts as one; the trainer adds the image positions). */
    public int length() {
        return inputIds.length;
    }

    /** Positions that carry a loss. */
    public int supervisedTokens() {
        int n = 0;
        for (int l : labels) {
            if (l != LlavaPreprocessor.IGNORE_INDEX) {
                n++;
            }
        }
        return n;
    }
}
