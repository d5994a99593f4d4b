package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;

/**
 * A named slot of a module holding its current tensor. Loading a checkpoint replaces the tensor (often with a
 * memory-mapped view), so layers read {@link #value()} at every forward instead of caching the tensor.
 */
public final class Parameter {
    private Tensor value;
    private boolean trainable = true;

    public Parameter(Tensor value) {
        set(value);
    }

    public Tensor value() {
        return value;
    }

    /** Replaces the tensor; its requiresGrad follows this parameter's trainable flag. */
    public void set(Tensor tensor) {
        this.value = tensor;
        if (tensor.dtype().isFloating() && tensor.isLeaf()) {
            tensor.requiresGrad(trainable);
        }
    }

    public boolean isTrainable() {
        return trainable;
    }

    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        if (value.isLeaf() && value.dtype().isFloating()) {
            value.requiresGrad(trainable);
        }
        if (!trainable) {
            value.setGrad(null);
        }
    }

    public Tensor grad() {
        return value.grad();
    }
}
