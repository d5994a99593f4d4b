package dev.llava4j.llava.train;

/** The order in which one epoch visits the dataset: a permutation of {@code 0 .. size-1}. */
public interface IndexSampler {

    /** Number of samples per epoch. */
    int size();

    /** The visiting order of {@code epoch} (0-based); the same epoch always gives the same order. */
    int[] order(int epoch);
}
