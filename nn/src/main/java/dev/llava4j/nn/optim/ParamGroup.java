package dev.llava4j.nn.optim;

import dev.llava4j.nn.Module;
import dev.llava4j.nn.Parameter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Parameters that share hyperparameters, like a torch {@code param_group}. Parameters are held by their dotted
 * state-dict names, which also name their optimizer state in saved files. The learning rate is mutable (schedules set
 * it every step); {@link #baseLr()} is the value the group was created with, the one schedules scale.
 */
public final class ParamGroup {
    private final Map<String, Parameter> params;
    private double baseLr;
    private double lr;
    private double weightDecay;

    public ParamGroup(Map<String, Parameter> params, double lr, double weightDecay) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("a parameter group needs at least one parameter");
        }
        checkHyper("lr", lr);
        checkHyper("weight_decay", weightDecay);
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.baseLr = lr;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** The trainable parameters of {@code root} whose dotted names match. */
    public static ParamGroup of(Module root, Predicate<String> nameMatches, double lr, double weightDecay) {
        Map<String, Parameter> chosen = new LinkedHashMap<>();
        root.namedParameters().forEach((name, p) -> {
            if (p.isTrainable() && nameMatches.test(name)) {
                chosen.put(name, p);
            }
        });
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameter of " + root.getClass().getSimpleName()
                    + " matches the group's name filter");
        }
        return new ParamGroup(chosen, lr, weightDecay);
    }

    /** Every trainable parameter of {@code root}. */
    public static ParamGroup of(Module root, double lr, double weightDecay) {
        return of(root, name -> true, lr, weightDecay);
    }

    public Map<String, Parameter> params() {
        return params;
    }

    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        checkHyper("lr", lr);
        this.lr = lr;
    }

    public double baseLr() {
        return baseLr;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public void setWeightDecay(double weightDecay) {
        checkHyper("weight_decay", weightDecay);
        this.weightDecay = weightDecay;
    }

    /** Restores the hyperparameters saved with an optimizer state. */
    void restore(double lr, double baseLr, double weightDecay) {
        checkHyper("lr", lr);
        checkHyper("initial lr", baseLr);
        checkHyper("weight_decay", weightDecay);
        this.lr = lr;
        this.baseLr = baseLr;
        this.weightDecay = weightDecay;
    }

    private static void checkHyper(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite value >= 0, got " + value);
        }
    }
}
