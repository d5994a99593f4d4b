package dev.llava4j.llava.model;

import dev.llava4j.nn.Activation;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.Module;
import dev.llava4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps vision features to the LLM's embedding space: {@code mlpNx_gelu} = N Linear layers with the activation
 * between them (LLaVA-1.5: N = 2), named linear_1..linear_N as in llava-hf; {@code linear} = one Linear.
 */
public final class MultimodalProjector extends Module {
    private final List<Linear> layers = new ArrayList<>();
    private final Activation act;

    public MultimodalProjector(String type, String act, int visionHidden, int textHidden, Init init) {
        int depth = type.equals("linear") ? 1 : Integer.parseInt(type.substring(3, type.indexOf('x')));
        this.act = Activation.fromConfig(act);
        for (int i = 0; i < depth; i++) {
            layers.add(child("linear_" + (i + 1), new Linear(i == 0 ? visionHidden : textHidden, textHidden, true, init)));
        }
    }

    public Tensor forward(Tensor features) {
        Tensor h = layers.get(0).forward(features);
        for (int i = 1; i < layers.size(); i++) {
            h = layers.get(i).forward(act.apply(h));
        }
        return h;
    }

    public int depth() {
        return layers.size();
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        layers.set(Integer.parseInt(name.substring("linear_".length())) - 1, (Linear) replacement);
    }
}
