package dev.llava4j.llava.demo;

/**
 * Sizes of one demo run: the world, the two stand-ins and the two LLaVA stages. {@link #full()} is tuned to
 * reach the colour/shape target within the time budget on a 2-core CPU, {@link #quick()} to be a CI smoke
 * test.
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
                new StandInLanguageModel.Settings(64, 172, 2, 2, 300, 16, 3e-3, 512),
                new Stage(600, 16, 3e-3),
                new Stage(1600, 8, 2e-3),
                32);
    }

    public static DemoSettings quick() {
        return new DemoSettings("quick", 300, 40, 0,
                new StandInVision.Settings(48, 16, 64, 256, 3, 4, 120, 32, 2e-3),
                new StandInLanguageModel.Settings(64, 172, 2, 2, 100, 16, 3e-3, 512),
                new Stage(150, 16, 3e-3),
                new Stage(400, 8, 2e-3),
                32);
    }
}
