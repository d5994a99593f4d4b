package dev.llava4j.backend.cpu;

import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.testing.GoldenOpsCases;

/** The PyTorch op fixtures on the Vector API CPU backend. */
class CpuGoldenOpsTest extends GoldenOpsCases {
    @Override
    protected Backend backend() {
        return Backends.byName("cpu");
    }
}
