package dev.llava4j.nn;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;

/** Small vectors (norm weights, biases) stored as BF16/F16 are used in float32, like PyTorch's fp32 upcast. */
final class F32 {
    private F32() {
    }

    static Tensor of(Tensor t) {
        return t == null || t.dtype() == DType.F32 || t.dtype() == DType.F64 ? t : t.to(DType.F32);
    }
}
