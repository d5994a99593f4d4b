package dev.llava4j.nn.checkpoint;

import dev.llava4j.nn.Module;
import dev.llava4j.nn.Parameter;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Node;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Gradient checkpointing (activation recomputation), like {@code torch.utils.checkpoint}: the forward runs without
 * recording the graph and frees its intermediates at once, keeping only the inputs and the output; the output gets
 * ONE autograd node whose backward re-runs the forward with grad enabled on detached copies of the inputs and
 * backpropagates through it. Parameter gradients accumulate into {@code .grad} during that inner backward; input
 * gradients are handed to the outer one.
 */
public final class Checkpoint {
    private Checkpoint() {
    }

    /** {@link #apply(Module, Function, List, Tensor...)} without random generators to replay. */
    public static Tensor apply(Module owner, Function<Tensor[], Tensor> forward, Tensor... inputs) {
        return apply(owner, forward, List.of(), inputs);
    }

    /**
     * Runs {@code forward(inputs)} checkpointed. {@code owner} is the module whose parameters the forward reads (its
     * trainable ones join the node so that backward reaches the recomputation even when no input needs a gradient).
     * {@code rngs} are the generators the forward draws from (dropout): their states are replayed in the
     * recomputation so that it sees the same masks, and restored afterwards. Inputs may be null. The forward must
     * return a tensor it allocated, not a view of an input. Without grad mode, or when nothing needs a gradient, it
     * simply runs the forward.
     */
    public static Tensor apply(Module owner, Function<Tensor[], Tensor> forward, List<Generator> rngs, Tensor... inputs) {
        List<Tensor> params = new ArrayList<>();
        for (Parameter p : owner.trainableParameters()) {
            if (p.value().requiresGrad()) {
                params.add(p.value());
            }
        }
        boolean inputNeedsGrad = false;
        for (Tensor t : inputs) {
            inputNeedsGrad |= t != null && t.requiresGrad();
        }
        if (!GradMode.isEnabled() || (params.isEmpty() && !inputNeedsGrad)) {
            return forward.apply(inputs);
        }
        long[] rngStates = rngs.stream().mapToLong(Generator::state).toArray();
        Tensor out;
        try (TensorScope scope = TensorScope.open(); GradMode.Guard noGrad = GradMode.noGrad()) {
            out = forward.apply(inputs.clone());
            for (Tensor t : inputs) {
                if (t != null && t.storage() == out.storage()) {
                    throw new IllegalArgumentException("a checkpointed forward returned a view of its input; return a new tensor");
                }
            }
            scope.keep(out);
        }
        Tensor[] nodeInputs = new Tensor[inputs.length + params.size()];
        System.arraycopy(inputs, 0, nodeInputs, 0, inputs.length);
        for (int i = 0; i < params.size(); i++) {
            nodeInputs[inputs.length + i] = params.get(i);
        }
        Tensor[] saved = inputs.clone();
        return Node.record(out.detach(), "Checkpoint",
                gOut -> recompute(forward, rngs, rngStates, saved, nodeInputs.length, gOut), nodeInputs);
    }

    /** The node's backward rule: forward again with grad on, backward through it, return the input gradients. */
    private static Tensor[] recompute(Function<Tensor[], Tensor> forward, List<Generator> rngs, long[] rngStates,
                                      Tensor[] inputs, int nodeInputCount, Tensor gOut) {
        long[] current = rngs.stream().mapToLong(Generator::state).toArray();
        for (int i = 0; i < rngs.size(); i++) {
            rngs.get(i).setState(rngStates[i]);
        }
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            leaves[i] = t == null ? null : t.requiresGrad() ? t.detach().requiresGrad(true) : t.detach();
        }
        Tensor[] grads = new Tensor[nodeInputCount]; // parameters' entries stay null: they accumulate below
        try (TensorScope scope = TensorScope.open(); GradMode.Guard on = GradMode.enableGrad()) {
            Tensor y = forward.apply(leaves.clone());
            y.backward(gOut);
            for (int i = 0; i < leaves.length; i++) {
                if (leaves[i] != null && leaves[i].requiresGrad()) {
                    grads[i] = leaves[i].grad(); // allocated outside every scope by autograd, so it survives this one
                }
            }
        } finally {
            for (int i = 0; i < rngs.size(); i++) {
                rngs.get(i).setState(current[i]);
            }
        }
        return grads;
    }
}
