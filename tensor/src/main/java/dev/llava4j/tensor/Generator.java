package dev.llava4j.tensor;

/**
 * A seeded, reproducible random source (SplitMix64): the same seed gives the same numbers on every JVM and platform.
 * Not thread-safe; give each thread its own generator.
 */
public final class Generator {
    private long state;
    private double spareGaussian = Double.NaN;

    public Generator(long seed) {
        this.state = seed;
    }

    /** The state, to save in checkpoints; restore with {@link #setState(long)} for bit-identical resumption. */
    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
        this.spareGaussian = Double.NaN;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive");
        }
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Standard normal by the Box-Muller transform (pairs, the second value kept for the next call). */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 <= 0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spareGaussian = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }
}
