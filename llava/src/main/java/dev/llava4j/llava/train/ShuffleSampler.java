package dev.llava4j.llava.train;

/** A fresh random permutation per epoch, fixed by (seed, epoch). */
public record ShuffleSampler(int size, long seed) implements IndexSampler {

    public ShuffleSampler {
        if (size < 0) {
            throw new IllegalArgumentException("dataset size must not be negative, got " + size);
        }
    }

    @Override
    public int[] order(int epoch) {
        return Permutations.random(size, EpochRandom.forEpoch(seed, epoch));
    }
}
