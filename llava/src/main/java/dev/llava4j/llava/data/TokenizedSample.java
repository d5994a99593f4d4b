package dev.llava4j.llava.data;

import java.util.Arrays;

/**
 * A preprocessed sample: token ids with {@link LlavaPreprocessor#IMAGE_TOKEN_INDEX} (-200) where the image
 * goes, and labels with {@link LlavaPreprocessor#IGNORE_INDEX} (-100) on every position without loss.
 */
public record TokenizedSample(int[] inputIds, int[] labels) {

    public TokenizedSample {
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException("input_ids has " + inputIds.length + " entries but labels has "
                    + labels.length);
        }
        inputIds = inputIds.clone();
        labels = labels.clone();
    }

    @Override
    public int[] inputIds() {
        return inputIds.clone();
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    public int length() {
        return inputIds.length;
    }

    public int numImageTokens() {
        return (int) Arrays.stream(inputIds).filter(id -> id == LlavaPreprocessor.IMAGE_TOKEN_INDEX).count();
    }

    /** Positions that carry a loss (label != -100). */
    public int numSupervised() {
        return (int) Arrays.stream(labels).filter(l -> l != LlavaPreprocessor.IGNORE_INDEX).count();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedSample other && Arrays.equals(inputIds, other.inputIds)
                && Arrays.equals(labels, other.labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "TokenizedSample[inputIds=" + Arrays.toString(inputIds) + ", labels=" + Arrays.toString(labels) + "]";
    }
}
