package dev.llava4j.nn.optim;

import dev.llava4j.nn.Parameter;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.ops.Elementwise;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every optimizer shares: the groups, per-parameter state, F32 master weights, gradient zeroing and state files.
 * A subclass only updates one contiguous F32 weight from its contiguous F32 gradient.
 */
abstract class OptimizerBase implements Optimizer {
    private final List<ParamGroup> groups;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, ParamState> states = new LinkedHashMap<>();

    OptimizerBase(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs at least one parameter group");
        }
        this.groups = List.copyOf(groups);
        for (ParamGroup g : groups) {
            for (Map.Entry<String, Parameter> e : g.params().entrySet()) {
                if (byName.put(e.getKey(), e.getValue()) != null) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' appears in more than one group");
                }
                if (!e.getValue().value().dtype().isFloating()) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' has non-floating dtype "
                            + e.getValue().value().dtype());
                }
            }
        }
    }

    /** The name written into state files ("AdamW", "SGD"). */
    abstract String kind();

    /** Names of the per-parameter buffers this optimizer keeps ("exp_avg", ...), as PyTorch names them. */
    abstract List<String> bufferNames();

    /** Hyperparameters recorded in state files for reference. */
    abstract Map<String, Object> hyperparameters();

    /** Updates {@code weight} (contiguous F32) in place; {@code st.step} already counts this step. */
    abstract void update(ParamState st, Tensor weight, Tensor grad, ParamGroup group);

    /** The named buffer, created by {@code init} (outside every TensorScope, so it outlives the step) on first use. */
    static Tensor buffer(ParamState st, String name, Supplier<Tensor> init) {
        Tensor b = st.buffers.get(name);
        if (b == null) {
            b = TensorScope.outside(init);
            st.buffers.put(name, b);
        }
        return b;
    }

    @Override
    public final void step() {
        try (GradMode.Guard noGrad = GradMode.noGrad(); TensorScope scope = TensorScope.open()) {
            for (ParamGroup group : groups) {
                for (Map.Entry<String, Parameter> e : group.params().entrySet()) {
                    Tensor grad = e.getValue().grad();
                    if (grad == null) {
                        continue;
                    }
                    Tensor value = e.getValue().value();
                    if (!Arrays.equals(grad.shape(), value.shape())) {
                        throw new IllegalStateException("parameter '" + e.getKey() + "' has shape " + Shape.toString(value.shape())
                                + " but its gradient has shape " + Shape.toString(grad.shape()));
                    }
                    ParamState st = states.computeIfAbsent(e.getKey(), k -> new ParamState());
                    Tensor weight = workingWeight(st, value);
                    Tensor g32 = grad.dtype() == DType.F32 && grad.isContiguous() ? grad : Elementwise.copy(grad, DType.F32);
                    st.step++;
                    update(st, weight, g32, group);
                    if (st.master != null) {
                        value.copyFrom(st.master); // rounds to the parameter's dtype
                    }
                }
            }
        }
    }

    /** The tensor to update: the parameter itself when it is contiguous F32, else its F32 master copy. */
    private static Tensor workingWeight(ParamState st, Tensor value) {
        if (value.dtype() == DType.F32 && value.isContiguous()) {
            st.master = null;
            st.masterOf = null;
            return value;
        }
        if (st.master == null || st.masterOf != value) {
            // first step, or the parameter tensor was replaced (e.g. a checkpoint was loaded): start from its value
            st.master = TensorScope.outside(() -> Elementwise.copy(value, DType.F32));
            st.masterOf = value;
        }
        return st.master;
    }

    @Override
    public void zeroGrad() {
        for (Parameter p : byName.values()) {
            p.value().zeroGrad();
        }
    }

    @Override
    public void clearGrads() {
        for (Parameter p : byName.values()) {
            p.value().releaseGrad();
        }
    }

    @Override
    public List<ParamGroup> groups() {
        return groups;
    }

    @Override
    public long stepCount() {
        return states.values().stream().mapToLong(s -> s.step).max().orElse(0);
    }

    /** The named state buffer of a parameter (e.g. "exp_avg"; "master" for the master copy), or null. */
    public Tensor state(String paramName, String buffer) {
        ParamState st = states.get(paramName);
        if (st == null) {
            return null;
        }
        return buffer.equals(OptimizerStateFile.MASTER) ? st.master : st.buffers.get(buffer);
    }

    /** Steps taken by one parameter (0 if it never had a gradient). */
    public long stepCount(String paramName) {
        ParamState st = states.get(paramName);
        return st == null ? 0 : st.step;
    }

    Map<String, Parameter> parametersByName() {
        return byName;
    }

    Map<String, ParamState> states() {
        return states;
    }

    @Override
    public void saveState(Path file) throws IOException {
        OptimizerStateFile.write(file, this);
    }

    @Override
    public void loadState(Path file) throws IOException {
        Map<String, ParamState> loaded = OptimizerStateFile.read(file, this);
        for (Map.Entry<String, ParamState> e : loaded.entrySet()) {
            ParamState st = e.getValue();
            if (st.master != null) {
                st.masterOf = byName.get(e.getKey()).value();
            }
        }
        List<ParamState> old = new ArrayList<>(states.values());
        states.clear();
        states.putAll(loaded);
        old.forEach(OptimizerBase::releaseState);
    }

    private static void releaseState(ParamState st) {
        st.buffers.values().forEach(Tensor::release);
        if (st.master != null) {
            st.master.release();
        }
    }
}
