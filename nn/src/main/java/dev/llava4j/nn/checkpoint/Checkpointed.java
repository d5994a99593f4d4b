package dev.llava4j.nn.checkpoint;

import dev.llava4j.nn.Module;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A module wrapper that recomputes its forward during backward (see {@link Checkpoint}). It is transparent to state
 * dicts: it adopts the wrapped module's children under their own names, so the parameter keys are those of the wrapped
 * module. The wrapped module must therefore keep its parameters in children (a decoder layer does; a bare Linear does
 * not). Extra per-call tensors (rotary tables, masks) are passed as further inputs.
 *
 * <pre>
 * var layer = new Checkpointed&lt;&gt;(decoderLayer, (l, in) -&gt; l.forward(in[0], in[1], in[2], in[3], null));
 * Tensor h = layer.forward(x, cos, sin, mask);
 * </pre>
 */
public final class Checkpointed<M extends Module> extends Module {
    private final M inner;
    private final BiFunction<M, Tensor[], Tensor> forward;
    private final List<Generator> rngs;
    private boolean enabled = true;

    public Checkpointed(M inner, BiFunction<M, Tensor[], Tensor> forward) {
        this(inner, forward, List.of());
    }

    /** {@code rngs}: the generators the wrapped forward draws from (e.g. its dropouts'), replayed in the recomputation. */
    public Checkpointed(M inner, BiFunction<M, Tensor[], Tensor> forward, List<Generator> rngs) {
        this.inner = inner;
        this.forward = forward;
        this.rngs = List.copyOf(rngs);
        for (String name : inner.namedParameters().keySet()) {
            if (!name.contains(".")) {
                throw new IllegalArgumentException(inner.getClass().getSimpleName() + " has a parameter '" + name
                        + "' of its own; Checkpointed can only wrap modules whose parameters live in children");
            }
        }
        for (Map.Entry<String, Module> c : inner.children().entrySet()) {
            child(c.getKey(), c.getValue());
        }
        train(inner.isTraining());
    }

    public Tensor forward(Tensor... inputs) {
        if (!enabled) {
            return forward.apply(inner, inputs);
        }
        return Checkpoint.apply(inner, in -> forward.apply(inner, in), rngs, inputs);
    }

    public M inner() {
        return inner;
    }

    /** Turns recomputation off (a plain forward) or back on. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public Module train(boolean on) {
        super.train(on);
        inner.train(on); // the wrapped module's own flag, which its forward may read
        return this;
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        inner.replaceModule(name, replacement); // keep the wrapped module's fields in step with the adopted children
    }
}
