package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Indexing;

/** Lookup table [num, dim]; the gradient accumulates into the rows that were used. */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(int num, int dim, Init init) {
        this.weight = parameter("weight", init.embedding(num, dim));
    }

    /** ids of any shape (I64/I32) -> ids.shape + [dim], in F32 even when the table is stored BF16/F16. */
    public Tensor forward(Tensor ids) {
        Tensor out = Indexing.embedding(weight.value(), ids);
        return out.dtype().isFloating() && out.dtype() != dev.llava4j.tensor.DType.F32 && out.dtype() != dev.llava4j.tensor.DType.F64
                ? out.to(dev.llava4j.tensor.DType.F32) : out;
    }

    public Parameter weight() {
        return weight;
    }
}
