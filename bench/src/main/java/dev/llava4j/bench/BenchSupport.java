package dev.llava4j.bench;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;

/** Shared set-up for the JMH benchmarks: the CPU backend and seeded random tensors. */
final class BenchSupport {
    static final Backend CPU = Backends.byName("cpu");

    private BenchSupport() {
    }

    static Tensor random(long seed, DType dtype, int... shape) {
        Tensor t = Tensor.randn(new Generator(seed), shape);
        return dtype == DType.F32 ? t : t.to(dtype);
    }
}
