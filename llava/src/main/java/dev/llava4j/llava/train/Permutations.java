package dev.llava4j.llava.train;

import dev.llava4j.tensor.Generator;

/** Random permutations (the role of {@code torch.randperm} in the samplers). */
public final class Permutations {

    private Permutations() {
    }

    /** A uniformly random permutation of {@code 0 .. n-1} (Fisher-Yates). */
    public static int[] random(int n, Generator random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
