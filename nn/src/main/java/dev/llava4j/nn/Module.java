package dev.llava4j.nn;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A node of the model tree: named parameters and named children. The dotted path of a parameter
 * ({@code language_model.model.layers.0.self_attn.q_proj.weight}) is exactly its Hugging Face state-dict key, so a
 * checkpoint loads by name.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter under a local name; returns it for a field. */
    protected Parameter parameter(String name, Tensor initial) {
        checkName(name);
        Parameter p = new Parameter(initial);
        parameters.put(name, p);
        return p;
    }

    /** Registers a child module under a local name; returns it for a field. */
    protected <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("invalid or duplicate module entry name '" + name + "'");
        }
    }

    public Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** Every parameter of this tree by dotted name, in registration order (depth first). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        parameters.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", out));
    }

    /** The module at a dotted path ("" = this). */
    public Module module(String path) {
        if (path.isEmpty()) {
            return this;
        }
        Module m = this;
        for (String part : path.split("\\.")) {
            m = m.children.get(part);
            if (m == null) {
                throw new IllegalArgumentException("no submodule '" + path + "' in " + getClass().getSimpleName());
            }
        }
        return m;
    }

    /** Every module of the tree by dotted path (this one as ""). */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String path, Map<String, Module> out) {
        out.put(path, this);
        children.forEach((k, m) -> m.collectModules(path.isEmpty() ? k : path + "." + k, out));
    }

    /** Replaces a direct child (used by LoRA to wrap Linear layers). */
    protected void replaceChild(String name, Module replacement) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException("no child '" + name + "'");
        }
        children.put(name, replacement);
        onChildReplaced(name, replacement);
    }

    /** Subclasses that cache children in fields update them here. */
    protected void onChildReplaced(String name, Module replacement) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support replacing child '" + name + "'");
    }

    /** Replaces the child at a dotted path. */
    public void replaceModule(String path, Module replacement) {
        int dot = path.lastIndexOf('.');
        Module parent = dot < 0 ? this : module(path.substring(0, dot));
        parent.replaceChild(path.substring(dot + 1), replacement);
    }

    /** Name -> current tensor for every parameter (the state dict). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> out.put(k, p.value()));
        return out;
    }

    /**
     * Loads tensors by name. Every problem is collected and reported in one {@link StateDictException}: missing keys
     * (when strict), unexpected keys (when strict), shape mismatches and non-floating dtypes, each with the source
     * named by {@code sourceOf} (a file, or null).
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict, java.util.function.Function<String, String> sourceOf) {
        Map<String, Parameter> params = namedParameters();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
                continue;
            }
            int[] want = e.getValue().value().shape();
            String src = sourceOf == null ? null : sourceOf.apply(e.getKey());
            if (!Arrays.equals(want, t.shape())) {
                mismatched.add(e.getKey() + ": checkpoint shape " + Shape.toString(t.shape()) + " but the model expects "
                        + Shape.toString(want) + (src == null ? "" : " (in " + src + ")"));
            } else if (!t.dtype().isFloating()) {
                mismatched.add(e.getKey() + ": dtype " + t.dtype() + " is not floating" + (src == null ? "" : " (in " + src + ")"));
            }
        }
        for (String k : state.keySet()) {
            if (!params.containsKey(k)) {
                unexpected.add(k);
            }
        }
        boolean fail = !mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()));
        if (fail) {
            throw new StateDictException(strict ? missing : List.of(), strict ? unexpected : List.of(), mismatched);
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t != null) {
                e.getValue().set(t);
            }
        }
    }

    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        loadStateDict(state, strict, null);
    }

    // ---------------------------------------------------------------- modes and freezing

    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Freezes (or unfreezes) every parameter of this subtree. */
    public void setTrainable(boolean trainable) {
        namedParameters().values().forEach(p -> p.setTrainable(trainable));
    }

    /** Sets trainable on the parameters whose dotted name matches. Returns how many matched. */
    public int setTrainable(Predicate<String> nameMatches, boolean trainable) {
        int n = 0;
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            if (nameMatches.test(e.getKey())) {
                e.getValue().setTrainable(trainable);
                n++;
            }
        }
        return n;
    }

    public List<Parameter> trainableParameters() {
        return namedParameters().values().stream().filter(Parameter::isTrainable).toList();
    }

    public long parameterCount() {
        return namedParameters().values().stream().mapToLong(p -> p.value().numel()).sum();
    }

    public long trainableParameterCount() {
        return trainableParameters().stream().mapToLong(p -> p.value().numel()).sum();
    }

    /** Casts every floating parameter to dtype (copies). */
    public void to(DType dtype) {
        for (Parameter p : namedParameters().values()) {
            if (p.value().dtype().isFloating() && p.value().dtype() != dtype) {
                p.set(p.value().detach().to(dtype));
            }
        }
    }

    /**
     * Moves every parameter to {@code device} in its current dtype (BF16/F16 weights stay BF16/F16). The copies
     * belong to no {@link TensorScope}, like the weights they replace; parameters already there are left alone.
     */
    public void to(Device device) {
        for (Parameter p : namedParameters().values()) {
            Tensor v = p.value();
            if (v.device() != device) {
                try (GradMode.Guard g = GradMode.noGrad()) {
                    p.set(TensorScope.outside(() -> v.detach().to(device)));
                }
            }
        }
    }

    /** The device of the parameters (the first one's; CPU for a module without parameters). */
    public Device device() {
        for (Parameter p : namedParameters().values()) {
            return p.value().device();
        }
        return Device.CPU;
    }

    /** A table of the parameters: name, shape, dtype, trainable; with totals. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        Map<String, Parameter> ps = namedParameters();
        int width = ps.keySet().stream().mapToInt(String::length).max().orElse(4);
        sb.append(String.format("%-" + width + "s  %-20s %-5s %s%n", "name", "shape", "dtype", "trainable"));
        ps.forEach((k, p) -> sb.append(String.format("%-" + width + "s  %-20s %-5s %s%n", k,
                Shape.toString(p.value().shape()), p.value().dtype(), p.isTrainable() ? "yes" : "no")));
        sb.append(String.format("total parameters: %,d; trainable: %,d%n", parameterCount(), trainableParameterCount()));
        return sb.toString();
    }
}
