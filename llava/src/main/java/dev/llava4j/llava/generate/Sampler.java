package dev.llava4j.llava.generate;

import dev.llava4j.tensor.Generator;

import java.util.Arrays;
import java.util.Collection;

/** Picks the next token from one row of logits according to {@link GenerationOptions}. */
public final class Sampler {
    private final GenerationOptions options;
    private final Generator random;
    private final int vocabLimit;

    /** @param vocabLimit ids at or above this are never chosen (e.g. llava-hf's untrained padding rows), 0 = none */
    public Sampler(GenerationOptions options, int vocabLimit) {
        this.options = options;
        this.random = new Generator(options.seed());
        this.vocabLimit = vocabLimit;
    }

    public int next(float[] logits, Collection<Integer> history) {
        int n = vocabLimit > 0 ? Math.min(vocabLimit, logits.length) : logits.length;
        float[] l = Arrays.copyOf(logits, n);
        if (options.repetitionPenalty() != 1) {
            float p = (float) options.repetitionPenalty();
            for (int id : history) {
                if (id >= 0 && id < n) {
                    l[id] = l[id] < 0 ? l[id] * p : l[id] / p;
                }
            }
        }
        if (options.isGreedy()) {
            return argmax(l);
        }
        return sample(l);
    }

    static int argmax(float[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[best]) {
                best = i;
            }
        }
        return best;
    }

    private int sample(float[] l) {
        int n = l.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(l[b], l[a]));
        int keep = options.topK() > 0 ? Math.min(options.topK(), n) : n;
        double max = l[order[0]];
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp((l[order[i]] - max) / options.temperature());
            sum += p[i];
        }
        // nucleus: the smallest prefix whose probability reaches topP (always at least one token)
        int cut = keep;
        if (options.topP() < 1) {
            double cum = 0;
            for (int i = 0; i < keep; i++) {
                cum += p[i] / sum;
                if (cum >= options.topP()) {
                    cut = i + 1;
                    break;
                }
            }
        }
        double total = 0;
        for (int i = 0; i < cut; i++) {
            total += p[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < cut; i++) {
            u -= p[i];
            if (u < 0) {
                return order[i];
            }
        }
        return order[cut - 1];
    }
}
