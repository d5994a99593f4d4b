package dev.llava4j.nn.schedule;

import dev.llava4j.nn.optim.Optimizer;
import dev.llava4j.nn.optim.ParamGroup;

/**
 * A learning-rate multiplier per optimizer step, like the lambda of PyTorch's {@code LambdaLR}: step k (counted from
 * 0) runs with {@code lr = initial lr * factor(k)}. The factories reproduce Hugging Face's
 * {@code transformers.optimization} schedules exactly (same formulas, evaluated in double).
 */
@FunctionalInterface
public interface LrSchedule {
    double factor(long step);

    /** Sets every group's lr to its initial lr times {@code factor(step)}; call before {@code optimizer.step()}. */
    default void apply(Optimizer optimizer, long step) {
        double f = factor(step);
        for (ParamGroup g : optimizer.groups()) {
            g.setLr(g.baseLr() * f);
        }
    }

    /** {@code get_constant_schedule}: always 1. */
    static LrSchedule constant() {
        return step -> 1.0;
    }

    /** {@code get_constant_schedule_with_warmup}: step/warmup during warmup, then 1. */
    static LrSchedule constantWithWarmup(long warmupSteps) {
        checkSteps("warmupSteps", warmupSteps);
        return step -> step < warmupSteps ? (double) step / Math.max(1.0, warmupSteps) : 1.0;
    }

    /**
     * {@code get_cosine_schedule_with_warmup} (half a cosine cycle): linear warmup, then
     * {@code max(0, 0.5 * (1 + cos(pi * 2 * 0.5 * progress)))} with progress = (step - warmup) / (total - warmup).
     * As in Hugging Face, steps past {@code totalSteps} are not clamped (the cosine rises again).
     */
    static LrSchedule cosineWithWarmup(long warmupSteps, long totalSteps) {
        return cosineWithWarmup(warmupSteps, totalSteps, 0.5);
    }

    /** Cosine with warmup and a given number of cycles (Hugging Face's {@code num_cycles}). */
    static LrSchedule cosineWithWarmup(long warmupSteps, long totalSteps, double cycles) {
        checkSteps("warmupSteps", warmupSteps);
        checkSteps("totalSteps", totalSteps);
        return step -> {
            if (step < warmupSteps) {
                return (double) step / Math.max(1, warmupSteps);
            }
            double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
            return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress)));
        };
    }

    /** {@code get_linear_schedule_with_warmup}: linear warmup, then linear decay to 0 at {@code totalSteps}. */
    static LrSchedule linearWithWarmup(long warmupSteps, long totalSteps) {
        checkSteps("warmupSteps", warmupSteps);
        checkSteps("totalSteps", totalSteps);
        return step -> {
            if (step < warmupSteps) {
                return (double) step / Math.max(1, warmupSteps);
            }
            return Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
        };
    }

    private static void checkSteps(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }
}
