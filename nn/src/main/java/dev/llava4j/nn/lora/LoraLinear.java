package dev.llava4j.nn.lora;

import dev.llava4j.nn.Dropout;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.Parameter;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.ops.Elementwise;

/**
 * A Linear layer with a low-rank adapter, as PEFT's {@code lora.Linear}:
 * {@code y = base(x) + lora_B(lora_A(dropout(x))) * alpha / r}. It extends {@link Linear} so that it takes the wrapped
 * layer's place in any module (and the base weight keeps its state-dict key); the adapter adds {@code lora_A.weight}
 * [r, in] (PyTorch's kaiming-uniform init, as PEFT) and {@code lora_B.weight} [out, r] (zeros, so training starts from
 * the base model). The base weight and bias are frozen; the adapter weights are F32 and trainable.
 */
public final class LoraLinear extends Linear {
    private final LoraConfig config;
    private final Linear loraA;
    private final Linear loraB;
    private final Dropout dropout;
    private boolean merged;

    /** Wraps {@code base}; its weight and bias tensors are shared, not copied. */
    public LoraLinear(Linear base, LoraConfig config, Generator generator) {
        super(base.inFeatures(), base.outFeatures(), base.bias() != null, Init.meta(base.weight().value().dtype()));
        this.config = config;
        weight().set(base.weight().value());
        weight().setTrainable(false);
        if (base.bias() != null) {
            bias().set(base.bias().value());
            bias().setTrainable(false);
        }
        this.loraA = child("lora_A", new Linear(base.inFeatures(), config.r(), false, Init.pytorchDefault(generator)));
        this.loraB = child("lora_B", new Linear(config.r(), base.outFeatures(), false, Init.meta(DType.F32)));
        loraB.weight().set(Tensor.zeros(DType.F32, base.outFeatures(), config.r()));
        this.dropout = child("lora_dropout", new Dropout(config.dropout(), generator));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = super.forward(x);
        if (merged) {
            return y;
        }
        Tensor h = loraB.forward(loraA.forward(dropout.forward(x)));
        return y.add(h.mul(config.scaling()));
    }

    public LoraConfig config() {
        return config;
    }

    public Parameter loraA() {
        return loraA.weight();
    }

    public Parameter loraB() {
        return loraB.weight();
    }

    public boolean isMerged() {
        return merged;
    }

    /** Folds the adapter into the base weight (W += B·A·alpha/r, in F32, rounded to W's dtype); forward then skips it. */
    public void merge() {
        if (merged) {
            throw new IllegalStateException("LoRA adapter is already merged");
        }
        addDelta(1);
        merged = true;
    }

    /** Takes the adapter back out of the base weight (exact up to the rounding of W's dtype). */
    public void unmerge() {
        if (!merged) {
            throw new IllegalStateException("LoRA adapter is not merged");
        }
        addDelta(-1);
        merged = false;
    }

    /** The adapter's weight update B·A·alpha/r [out, in] in F32. */
    public Tensor delta() {
        try (GradMode.Guard g = GradMode.noGrad()) {
            return loraB.weight().value().matmul(loraA.weight().value()).mul(config.scaling());
        }
    }

    private void addDelta(double sign) {
        Tensor w = weight().value();
        Tensor updated;
        try (GradMode.Guard g = GradMode.noGrad(); TensorScope scope = TensorScope.open()) {
            Tensor sum = w.to(DType.F32).add(delta().mul(sign));
            // a new tensor rather than an in-place write: the base weight may be a read-only memory-mapped view
            updated = TensorScope.outside(() -> Elementwise.copy(sum, w.dtype()));
        }
        weight().set(updated);
    }
}
