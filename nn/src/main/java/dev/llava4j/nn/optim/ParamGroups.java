package dev.llava4j.nn.optim;

import dev.llava4j.nn.LayerNorm;
import dev.llava4j.nn.Module;
import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.RMSNorm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Common ways to split a model's trainable parameters into groups. */
public final class ParamGroups {
    private ParamGroups() {
    }

    /**
     * Hugging Face Trainer's split: weight decay for every trainable parameter except biases and the weights of
     * normalisation layers (LayerNorm, RMSNorm), which get none. Returns the decayed group first; a group that would be
     * empty is left out.
     */
    public static List<ParamGroup> decayExceptBiasesAndNorms(Module root, double lr, double weightDecay) {
        Map<String, Parameter> decay = new LinkedHashMap<>();
        Map<String, Parameter> noDecay = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : root.namedModules().entrySet()) {
            boolean norm = m.getValue() instanceof LayerNorm || m.getValue() instanceof RMSNorm;
            String prefix = m.getKey().isEmpty() ? "" : m.getKey() + ".";
            for (Map.Entry<String, Parameter> p : m.getValue().namedParameters().entrySet()) {
                String local = p.getKey();
                if (local.contains(".") || !p.getValue().isTrainable()) {
                    continue; // owned by a child module, which this loop visits on its own
                }
                (norm || local.equals("bias") ? noDecay : decay).put(prefix + local, p.getValue());
            }
        }
        List<ParamGroup> groups = new ArrayList<>();
        if (!decay.isEmpty()) {
            groups.add(new ParamGroup(decay, lr, weightDecay));
        }
        if (!noDecay.isEmpty()) {
            groups.add(new ParamGroup(noDecay, lr, 0.0));
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(root.getClass().getSimpleName() + " has no trainable parameters");
        }
        return groups;
    }
}
