package dev.llava4j.nn;

import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/** Inverted dropout, active only in training mode. */
public final class Dropout extends Module {
    private final double p;
    private final Generator generator;

    public Dropout(double p, Generator generator) {
        this.p = p;
        this.generator = generator;
    }

    public Tensor forward(Tensor x) {
        return Functional.dropout(x, p, isTraining(), generator);
    }
}
