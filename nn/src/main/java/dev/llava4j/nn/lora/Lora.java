package dev.llava4j.nn.lora;

import dev.llava4j.nn.Init;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.Module;
import dev.llava4j.tensor.Generator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Applying, merging, saving and loading LoRA adapters on a module tree. */
public final class Lora {
    private Lora() {
    }

    /**
     * Wraps every {@link Linear} (not already wrapped) whose dotted module path matches in a {@link LoraLinear}, after
     * freezing the whole tree, as PEFT's {@code get_peft_model} does: only the adapters are trainable afterwards
     * (unfreeze other parts, such as a projector, yourself). Returns the wrapped paths. Build optimizers after this
     * call: wrapping replaces the Parameter objects of the wrapped layers.
     */
    public static List<String> apply(Module root, Predicate<String> pathMatches, LoraConfig config, Generator generator) {
        List<String> targets = new ArrayList<>();
        for (Map.Entry<String, Module> e : root.namedModules().entrySet()) {
            Module m = e.getValue();
            if (m instanceof Linear && !(m instanceof LoraLinear) && pathMatches.test(e.getKey())) {
                if (e.getKey().isEmpty()) {
                    throw new IllegalArgumentException("LoRA cannot wrap the root module itself; wrap its parent");
                }
                targets.add(e.getKey());
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no Linear layer of " + root.getClass().getSimpleName()
                    + " matches the LoRA target filter");
        }
        root.setTrainable(false);
        for (String path : targets) {
            root.replaceModule(path, new LoraLinear((Linear) root.module(path), config, generator));
        }
        for (LoraLinear l : layers(root).values()) {
            // adapters added by an earlier call stay trainable
            l.loraA().setTrainable(true);
            l.loraB().setTrainable(true);
        }
        return targets;
    }

    /** {@link #apply(Module, Predicate, LoraConfig, Generator)} with rank r, alpha and dropout given directly. */
    public static List<String> apply(Module root, Predicate<String> pathMatches, int r, double alpha, double dropout,
                                     Generator generator) {
        return apply(root, pathMatches, new LoraConfig(r, alpha, dropout), generator);
    }

    /** PEFT's list form of {@code target_modules}: a path matches when its last component is one of the names. */
    public static Predicate<String> targetNames(String... names) {
        Set<String> set = Set.copyOf(Arrays.asList(names));
        return path -> set.contains(path.substring(path.lastIndexOf('.') + 1));
    }

    /** Every LoRA layer of the tree by module path. */
    public static Map<String, LoraLinear> layers(Module root) {
        Map<String, LoraLinear> out = new LinkedHashMap<>();
        root.namedModules().forEach((path, m) -> {
            if (m instanceof LoraLinear l) {
                out.put(path, l);
            }
        });
        return out;
    }

    /** Merges every unmerged adapter into its base weight. */
    public static void merge(Module root) {
        layers(root).values().stream().filter(l -> !l.isMerged()).forEach(LoraLinear::merge);
    }

    /** Takes every merged adapter back out of its base weight. */
    public static void unmerge(Module root) {
        layers(root).values().stream().filter(LoraLinear::isMerged).forEach(LoraLinear::unmerge);
    }

    /**
     * PEFT's {@code merge_and_unload}: merges every adapter and puts plain Linear layers with the merged weights back,
     * so the tree has its original state-dict keys only. Trainable flags of the merged layers stay off.
     */
    public static void mergeAndUnload(Module root) {
        for (Map.Entry<String, LoraLinear> e : layers(root).entrySet()) {
            LoraLinear l = e.getValue();
            if (!l.isMerged()) {
                l.merge();
            }
            Linear plain = new Linear(l.inFeatures(), l.outFeatures(), l.bias() != null,
                    Init.meta(l.weight().value().dtype()));
            plain.weight().set(l.weight().value());
            plain.weight().setTrainable(false);
            if (l.bias() != null) {
                plain.bias().set(l.bias().value());
                plain.bias().setTrainable(false);
            }
            root.replaceModule(e.getKey(), plain);
        }
    }

    /** Writes {@code adapter_model.safetensors} and {@code adapter_config.json} into {@code dir} (see {@link PeftAdapter}). */
    public static void saveAdapter(Path dir, Module root) throws IOException {
        PeftAdapter.save(dir, root, null);
    }

    /**
     * Loads an adapter saved by {@link #saveAdapter} or by PEFT; Linear layers named in the file that are not wrapped
     * yet are wrapped with the file's config first (their base weights frozen; other trainable flags are left as they
     * are). Every missing, unexpected or mismatched key is reported at once in a StateDictException, and nothing is
     * changed then. Returns the loaded module paths.
     */
    public static List<String> loadAdapter(Path dir, Module root, Generator generator) throws IOException {
        return PeftAdapter.load(dir, root, generator);
    }
}
