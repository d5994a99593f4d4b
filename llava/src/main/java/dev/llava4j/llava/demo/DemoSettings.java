package dev.llava4j.llava.demo;

/**
 * Sizes of one demo run: the world, the two stand-ins and the two LLaVA stages. {@link #full()} is sized for
 * the 10-minute budget on a 2-core CPU (85-95 s on the development VM since the attention fix, 581 s before),
 * {@link #quick()} to be a CI smoke test. Stage 1 got more steps and a higher learning rate once the captions were pretrained in its
 * layout: with 1500 steps at 3e-3 instead of 600, the frozen language model answered 0.58 instead of 0.30 of the
 * held-out colour/shape questions from the projected image (probe runs on the full world). The language
 * stand-in has 4 heads and starts with 400 steps of lookup drills ({@link DemoCorpus#lookupDrills}): its
 * ceiling with the true cell tokens rose from 0.581 to 0.904, stage 1 then reaches 0.346 from the image (0.456
 * before: the stand-in reads captions less well), and stage 2 ends at 0.787 (0.713 before). Since the LM head runs
 * only on supervised positions (other rounding): 0.971, 0.386 and 0.754; 3x the stage steps (0.721) or 3x the
 * training images (0.733) did not help.
 *
 * @param trainImages images the world generates for training (stage 1 gets one caption per image, stage 2
 *                    about four records per image)
 * @param evalImages  held-out images (about ten questions each)
 * @param textScenes  extra scenes, without images, that only the language stand-in reads about (one text each;
 *                    0 in both presets: 4800 made the stand-in read held-out scenes' cell tokens better, 100 % on
 *                    shape questions instead of 60 %, but the full demo's colour/shape score fell from 0.665 to
 *                    0.592, because stage 1 does not turn patches into tokens like the cell tokens)
 * @param evalBatch   prompts decoded together
 */
public record DemoSettings(String name, int trainImages, int evalImages, int textScenes,
                           StandInVision.Settings vision,
                           StandInLanguageModel.Settings language, Stage stage1, Stage stage2, int evalBatch) {

    /**
     * One LLaVA training stage run through the project's Trainer.
     *
     * @param steps optimizer steps
     * @param lr    peak learning rate (warmup 3 %, cosine decay, as the recipe)
     */
    public record Stage(int steps, int batchSize, double lr) {
        public Stage {
            if (steps < 1 || batchSize < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("invalid stage settings " + this);
            }
        }
    }

    public DemoSettings {
        if (trainImages < 1 || evalImages < 1 || textScenes < 0 || evalBatch < 1) {
            throw new IllegalArgumentException("invalid demo settings " + this);
        }
    }

    /** Side of the rendered images: one 16-pixel patch per cell of the world's 3x3 grid. */
    public int imageSize() {
        return vision.imageSize();
    }

    public static DemoSettings full() {
        return new DemoSettings("full", 1500, 150, 0,
                new StandInVision.Settings(48, 16, 64, 256, 3, 4, 300, 32, 2e-3),
                new StandInLanguageModel.Settings(64, 172, 2, 4, 700, 400, 0.75, 16, 3e-3, 512),
                new Stage(1200, 16, 4e-3),
                new Stage(1400, 8, 2e-3),
                32);
    }

    public static DemoSettings quick() {
        return new DemoSettings("quick", 300, 40, 0,
                new StandInVision.Settings(48, 16, 64, 256, 3, 4, 120, 32, 2e-3),
                new StandInLanguageModel.Settings(64, 172, 2, 4, 160, 80, 0.5, 16, 3e-3, 512),
                new Stage(400, 16, 4e-3),
                new Stage(400, 8, 2e-3),
                32);
    }
}
