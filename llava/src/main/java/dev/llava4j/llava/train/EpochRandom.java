package dev.llava4j.llava.train;

import dev.llava4j.tensor.Generator;

/** Derives an independent generator per epoch from the run's seed. */
final class EpochRandom {

    private EpochRandom() {
    }

    /**
     * The (epoch+1)-th output of a generator seeded with {@code seed}, used as the epoch's seed. Seeding with
     * {@code seed + epoch} directly would not do: SplitMix64 streams of seeds that differ by a multiple of its
     * increment are the same stream shifted.
     */
    static Generator forEpoch(long seed, int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative, got " + epoch);
        }
        Generator root = new Generator(seed);
        long epochSeed = 0;
        for (int e = 0; e <= epoch; e++) {
            epochSeed = root.nextLong();
        }
        return new Generator(epochSeed);
    }
}
