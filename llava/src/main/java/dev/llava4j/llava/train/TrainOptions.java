package dev.llava4j.llava.train;

import dev.llava4j.tensor.DType;

import java.nio.file.Path;

/**
 * Everything a training run needs. Defaults follow LLaVA-1.5's recipe (LLAVA_SPEC §6): stage 1 lr 1e-3, stage 2
 * lr 2e-5, LoRA lr 2e-4 with r 128 / alpha 256 / dropout 0.05 and projector lr 2e-5, warmup 3 %, cosine, weight decay 0,
 * gradient clipping at 1.0.
 *
 * @param model       a LLaVA checkpoint to continue from, or null when visionTower + llm are given
 * @param maxSteps    optimizer steps (0 = epochs over the data)
 * @param saveEvery   write a resumable checkpoint every N optimizer steps (0 = only at the end)
 */
public record TrainOptions(int stage, boolean lora, Path model, Path visionTower, Path llm, Path data, Path imageFolder,
                           Path output, int epochs, long maxSteps, double lr, int batchSize, int gradAccum, int maxLength,
                           String lrSchedule, double warmupRatio, double weightDecay, double maxGradNorm, boolean shuffle,
                           DType dtype, long seed, long saveEvery, boolean resume, boolean gradientCheckpointing,
                           int workers, int loraRank, double loraAlpha, double loraDropout, double projectorLr,
                           String imageAspectRatio) {

    public TrainOptions {
        if (stage != 1 && stage != 2) {
            throw new IllegalArgumentException("--stage must be 1 or 2, got " + stage);
        }
        if (lora && stage != 2) {
            throw new IllegalArgumentException("--lora applies to stage 2 only");
        }
        if ((model == null) == (llm == null)) {
            throw new IllegalArgumentException("give either --model DIR or --vision-tower DIR with --llm DIR");
        }
        if (llm != null && visionTower == null) {
            throw new IllegalArgumentException("--llm needs --vision-tower (the CLIP folder)");
        }
        if (batchSize < 1 || gradAccum < 1 || epochs < 1 || maxSteps < 0 || maxLength < 8) {
            throw new IllegalArgumentException("invalid sizes: batch " + batchSize + ", grad accum " + gradAccum
                    + ", epochs " + epochs + ", max steps " + maxSteps + ", max length " + maxLength);
        }
        if (!lrSchedule.equals("cosine") && !lrSchedule.equals("constant")) {
            throw new IllegalArgumentException("--lr-schedule must be cosine or constant, got " + lrSchedule);
        }
        if (warmupRatio < 0 || warmupRatio > 1 || weightDecay < 0 || maxGradNorm < 0 || lr <= 0) {
            throw new IllegalArgumentException("invalid lr " + lr + ", warmup ratio " + warmupRatio + ", weight decay "
                    + weightDecay + " or max grad norm " + maxGradNorm);
        }
    }

    /** The recipe's learning rate for a stage when the user gave none. */
    public static double defaultLr(int stage, boolean lora) {
        return stage == 1 ? 1e-3 : lora ? 2e-4 : 2e-5;
    }

    /** Stage 1 uses LLaVA's plain template, stage 2 vicuna_v1. */
    public String template() {
        return stage == 1 ? "plain" : "v1";
    }

    /** Stage 1 trains on center-cropped images (square), stage 2 on padded ones, unless overridden. */
    public String aspectRatio() {
        return imageAspectRatio != null ? imageAspectRatio : stage == 1 ? "square" : "pad";
    }

    public long globalBatch() {
        return (long) batchSize * gradAccum;
    }
}
