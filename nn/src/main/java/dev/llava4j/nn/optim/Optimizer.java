package dev.llava4j.nn.optim;

import dev.llava4j.nn.Parameter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Updates parameters from their accumulated gradients. Parameters whose gradient is null are skipped (and get no
 * state), as in PyTorch. A BF16/F16 (or non-contiguous) parameter is updated through an F32 master copy kept in the
 * optimizer state; the parameter receives the rounded master value after each step.
 */
public interface Optimizer {
    /** One update of every parameter that has a gradient. */
    void step();

    /** Zeroes every gradient in place (keeps the buffers, so memory stays flat; like {@code zero_grad(set_to_none=False)}). */
    void zeroGrad();

    /**
     * Frees every gradient ({@code zero_grad(set_to_none=True)}): the next backward writes fresh ones (cheaper than
     * zero-filling and adding) and parameters it does not reach are skipped by the next step.
     */
    void clearGrads();

    List<ParamGroup> groups();

    /** Every parameter of every group, in group order. */
    default List<Parameter> parameters() {
        return groups().stream().flatMap(g -> g.params().values().stream()).toList();
    }

    /** Steps taken by the parameter with the most steps (0 before the first). */
    long stepCount();

    /** Writes the state (moments, master weights, step counts, group learning rates) as one safetensors file. */
    void saveState(Path file) throws IOException;

    /**
     * Restores a state written by {@link #saveState}; the groups must hold the same parameter names. Every problem
     * (unknown names, shapes, wrong optimizer type) is reported at once in an {@link OptimizerStateException}.
     */
    void loadState(Path file) throws IOException;
}
