package dev.llava4j.nn.schedule;

/**
 * Gradient accumulation over {@code microSteps} micro-batches: gradients add up across backward passes (parameters'
 * {@code .grad} accumulate until zeroed), each micro-batch loss is scaled by {@link #lossScale()} so the sum equals the
 * mean over the whole batch, and the optimizer steps after the last micro-batch of each group.
 * <pre>
 * for (long micro = 0; ...; micro++) {
 *     loss(batch).mul(acc.lossScale()).backward();
 *     if (acc.isStepBoundary(micro)) { clip; schedule.apply(opt, acc.optimizerStep(micro)); opt.step(); opt.zeroGrad(); }
 * }
 * </pre>
 */
public record GradAccumulation(int microSteps) {
    public GradAccumulation {
        if (microSteps < 1) {
            throw new IllegalArgumentException("gradient accumulation needs at least 1 micro-step, got " + microSteps);
        }
    }

    /** The factor for each micro-batch loss: 1 / microSteps. */
    public double lossScale() {
        return 1.0 / microSteps;
    }

    /** Whether the optimizer steps after micro-batch {@code microStep} (counted from 0). */
    public boolean isStepBoundary(long microStep) {
        return (microStep + 1) % microSteps == 0;
    }

    /** The optimizer step (from 0) that micro-batch {@code microStep} contributes to. */
    public long optimizerStep(long microStep) {
        return microStep / microSteps;
    }
}
