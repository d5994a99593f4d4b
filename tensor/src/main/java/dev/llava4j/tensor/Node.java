package dev.llava4j.tensor;

import java.util.Arrays;

/**
 * One recorded operation of the autograd graph: the inputs it read and the rule that turns the gradient of its
 * output into gradients of its inputs. Rules run with grad mode off and may return null for inputs without gradient.
 */
public final class Node {
    /** The backward rule of an operation. */
    @FunctionalInterface
    public interface Rule {
        Tensor[] gradients(Tensor gradOutput);
    }

    private final String name;
    private final Tensor[] inputs;
    private final Rule rule;

    private Node(String name, Tensor[] inputs, Rule rule) {
        this.name = name;
        this.inputs = inputs;
        this.rule = rule;
    }

    public String name() {
        return name;
    }

    Tensor[] inputs() {
        return inputs;
    }

    Rule rule() {
        return rule;
    }

    /**
     * Attaches a backward rule to {@code out} when grad mode is on and any input requires a gradient; returns out.
     * This is how every differentiable op joins the graph.
     */
    public static Tensor record(Tensor out, String name, Rule rule, Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return out;
        }
        boolean any = false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                any = true;
                break;
            }
        }
        if (any) {
            out.attachGradFn(new Node(name, inputs.clone(), rule));
        }
        return out;
    }

    @Override
    public String toString() {
        return name + "Backward" + Arrays.stream(inputs).filter(t -> t != null).count();
    }
}
