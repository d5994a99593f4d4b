package dev.llava4j.tensor.backend;

import dev.llava4j.tensor.testing.GoldenOpsCases;

/** The PyTorch op fixtures on the scalar reference backend. */
class ReferenceGoldenOpsTest extends GoldenOpsCases {
    @Override
    protected Backend backend() {
        return Backends.byName("reference");
    }
}
