package dev.llava4j.llava.demo;

import dev.llava4j.llava.data.LlavaJsonReader;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.image.ClipImageProcessor;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.model.LlavaConfig;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.model.MultimodalProjector;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.llava.train.TrainOptions;
import dev.llava4j.llava.train.Trainer;
import dev.llava4j.llava.train.TrainingModel;
import dev.llava4j.nn.Init;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ./llava4j demo}: LLaVA's recipe in miniature. Generates the shapes world, builds the demo tokenizer,
 * trains the two stand-in backbones, runs stage 1 (projector only, plain template) and stage 2 (projector + LLM,
 * vicuna_v1) with the project's {@link Trainer} exactly as a real run, evaluates the stage-2 checkpoint on
 * held-out images and, with the projector ablation, repeats both stages with a linear projector.
 *
 * <p>Folders under the output directory: {@code data/} (the world), {@code tokenizer/}, {@code stand-ins/vision},
 * {@code stand-ins/language}, {@code runs/<projector>/stage1|stage2} (trainer outputs: checkpoint, metrics,
 * loss plot) and {@code answers-<projector>.jsonl}; {@code train.log} has every training line. The report
 * files are written by {@link DemoReport}.
 */
public final class DemoPipeline {

    public static final String MLP = "mlp2x_gelu";
    public static final String LINEAR = "linear";

    /** What to run. */
    public record Options(Path outDir, DemoSettings settings, long seed, boolean projectorAblation) {
    }

    /**
     * Stage 1, stage 2 and the evaluation with one projector type; {@code stage1Reading} is the diagnostic of
     * what the frozen language model reads after stage 1 (its seconds are counted in {@code evalSeconds}).
     */
    public record ProjectorRun(String projector, Path stage1, Path stage2, Trainer.Result stage1Result,
                               Trainer.Result stage2Result, Stage1Reading stage1Reading, DemoScores scores,
                               Map<String, String> answers, Path answersFile, double stage1Seconds,
                               double stage2Seconds, double evalSeconds) {
    }

    /**
     * @param items    the held-out questions
     * @param ablation the linear-projector run (null without the ablation)
     * @param timings  seconds per phase, in order
     * @param loadAverageAtStart the system's 1-minute load average when the run began (-1 if unknown): other work
     *                           on the machine slows the run down
     */
    public record Outcome(Options options, ShapeWorld.Output world, List<EvalItem> items, int vocabSize,
                          StandInVision.Result vision, StandInLanguageModel.Result language, ProjectorRun main,
                          ProjectorRun ablation, Map<String, Double> timings, double seconds,
                          double loadAverageAtStart) {

        /** The runs in report order: the MLP first, then the ablation's linear projector. */
        public List<ProjectorRun> runs() {
            return ablation == null ? List.of(main) : List.of(main, ablation);
        }
    }

    private DemoPipeline() {
    }

    public static Outcome run(Options o, PrintWriter console) throws IOException {
        long start = System.nanoTime();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        DemoSettings s = o.settings();
        Path out = o.outDir();
        Files.createDirectories(out);
        for (String generated : List.of("tokenizer", "stand-ins", "runs")) {
            deleteRecursively(out.resolve(generated)); // a previous run's folders; the trainer must start afresh
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        Generator seeds = new Generator(o.seed());
        long visionSeed = seeds.nextLong();
        long languageSeed = seeds.nextLong();
        long stageSeed = seeds.nextLong();
        long textScenesSeed = seeds.nextLong();
        long textSeed = seeds.nextLong();
        try (PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("train.log")), true,
                StandardCharsets.UTF_8)) {
            Clock clock = new Clock();
            progress(console, "[demo %s] generating the shapes world: %d training and %d held-out images%n", s.name(),
                    s.trainImages(), s.evalImages());
            ShapeWorld.Output world = ShapeWorld.generate(out.resolve("data"), o.seed(), s.trainImages(),
                    s.evalImages(), s.imageSize());
            List<LlavaRecord> stage1 = new LlavaJsonReader(world.imageFolder()).read(world.stage1Json()).records();
            List<LlavaRecord> stage2 = new LlavaJsonReader(world.imageFolder()).read(world.stage2Json()).records();
            List<EvalItem> items = EvalItem.readAll(world.evalJsonl());
            List<SceneFile.Entry> scenes = SceneFile.read(world.scenesJsonl());
            timings.put("world", clock.lap());

            Map<String, Scene> trainScenes = scenesByImage(scenes, ShapeWorld.SPLIT_TRAIN);
            Map<String, Scene> evalScenes = scenesByImage(scenes, ShapeWorld.SPLIT_EVAL);
            Set<String> heldOutLayouts = evalScenes.values().stream().map(Scene::layoutKey)
                    .collect(Collectors.toSet());
            List<Scene> textScenes = ShapeWorld.textScenes(s.textScenes(), textScenesSeed, s.imageSize(),
                    heldOutLayouts);
            DemoCorpus corpus = new DemoCorpus(stage1, stage2, items, trainScenes, textScenes,
                    new Generator(textSeed));
            LlamaTokenizer llama = DemoTokenizer.load();
            DemoCorpus.Encoded llamaIds = corpus.encode(llama);
            DemoVocabulary vocabulary = DemoVocabulary.build(llama, llamaIds.ids());
            Path tokenizerDir = vocabulary.writeFolder(out.resolve("tokenizer"));
            LlamaTokenizer tokenizer = LlamaTokenizer.load(tokenizerDir);
            vocabulary.checkSameSegmentation(llamaIds.ids(), corpus.encode(tokenizer).ids(), llamaIds.names());
            progress(console, "[demo %s] tokenizer: LLaMA's, restricted to the %d pieces the corpus needs (same "
                    + "segmentation checked on %d texts)%n", s.name(), vocabulary.size(), llamaIds.ids().size());
            timings.put("tokenizer", clock.lap());

            StandInVision.Settings vs = s.vision();
            StandInVision.Result vision = StandInVision.train(vs, world.imageFolder(),
                    PatchLabels.of(scenes, ShapeWorld.SPLIT_TRAIN, vs.grid()),
                    PatchLabels.of(scenes, ShapeWorld.SPLIT_EVAL, vs.grid()),
                    out.resolve("stand-ins/vision"), visionSeed, log);
            progress(console, "[demo %s] vision stand-in (for CLIP ViT-L/14): %,d parameters, held-out patch accuracy "
                    + "%.3f, %.1f s%n", s.name(), vision.parameters(), vision.patchAccuracy(), vision.seconds());
            timings.put("vision_stand_in", clock.lap());

            StandInLanguageModel.Result language = StandInLanguageModel.train(s.language(), vocabulary.size(),
                    corpus.languageSamples(tokenizer), corpus.lookupDrills(tokenizer), tokenizerDir,
                    out.resolve("stand-ins/language"), languageSeed, log);
            progress(console, "[demo %s] language stand-in (for Vicuna-7B): %,d parameters, loss %.3f -> %.3f, %.1f s%n",
                    s.name(), language.parameters(), language.losses().getFirst()[1],
                    language.losses().getLast()[1], language.seconds());
            timings.put("language_stand_in", clock.lap());

            Components c = new Components(world, tokenizer, tokenizerDir, vision.folder(), language.folder(), items,
                    evalScenes);
            ProjectorRun main = projectorRun(MLP, c, s, out, stageSeed, log, console);
            timings.put("stage1", main.stage1Seconds());
            timings.put("stage2", main.stage2Seconds());
            timings.put("evaluation", main.evalSeconds());
            ProjectorRun ablation = null;
            if (o.projectorAblation()) {
                ablation = projectorRun(LINEAR, c, s, out, stageSeed, log, console);
                timings.put("ablation_linear_projector", ablation.stage1Seconds() + ablation.stage2Seconds()
                        + ablation.evalSeconds());
            }
            return new Outcome(o, world, items, vocabulary.size(), vision, language, main, ablation, timings,
                    (System.nanoTime() - start) / 1e9, load);
        }
    }

    /** The scenes of one split of the world, by image path, in file order. */
    private static Map<String, Scene> scenesByImage(List<SceneFile.Entry> scenes, String split) {
        Map<String, Scene> out = new LinkedHashMap<>();
        scenes.stream().filter(e -> e.split().equals(split)).forEach(e -> out.put(e.image(), e.scene()));
        return out;
    }

    /** What both stages need besides their settings. */
    record Components(ShapeWorld.Output world, LlamaTokenizer tokenizer, Path tokenizerDir, Path visionDir,
                      Path languageDir, List<EvalItem> items, Map<String, Scene> evalScenes) {
    }

    static ProjectorRun projectorRun(String projector, Components c, DemoSettings s, Path out, long seed,
                                             PrintStream log, PrintWriter console) throws IOException {
        Path runDir = out.resolve("runs").resolve(projector);
        Path preprocessor = c.visionDir().resolve("preprocessor_config.json");
        Clock clock = new Clock();

        TrainOptions o1 = stageOptions(1, null, c.visionDir(), c.languageDir(), c.world().stage1Json(),
                c.world().imageFolder(), runDir.resolve("stage1"), s.stage1(), seed);
        LlavaForConditionalGeneration model = TrainingModel.fromComponents(c.visionDir(), c.languageDir(), DType.F32, seed);
        if (!projector.equals(model.config().projectorType())) {
            model = withProjector(model, projector, seed);
        }
        log.printf("=== %s projector, stage 1 ===%n", projector);
        Trainer.Result r1 = new Trainer(o1, model, c.tokenizer(), pipeline(preprocessor, o1), c.tokenizerDir(),
                preprocessor, log).run();
        double t1 = clock.lap();
        progress(console, "[demo %s] stage 1 (%s projector only, plain template): %d steps, loss %.3f -> %.3f, %.1f s%n",
                s.name(), projector, r1.steps(), r1.firstLoss(), r1.lastLoss(), t1);
        Stage1Reading reading = Stage1Reading.measure(o1.output(), c.world().imageFolder(), c.items(), c.evalScenes(),
                s.evalBatch());
        double tr = clock.lap();
        progress(console, "[demo %s] after stage 1 the frozen language model answers %.3f of the held-out colour/shape "
                + "questions from the projected image, %.3f from the true cell tokens (%.1f s)%n", s.name(),
                reading.projectedColorShape(), reading.trueCellsColorShape(), tr);

        TrainOptions o2 = stageOptions(2, o1.output(), null, null, c.world().stage2Json(), c.world().imageFolder(),
                runDir.resolve("stage2"), s.stage2(), seed);
        log.printf("=== %s projector, stage 2 ===%n", projector);
        Trainer.Result r2 = new Trainer(o2, TrainingModel.fromCheckpoint(o1.output(), DType.F32), c.tokenizer(),
                pipeline(preprocessor, o2), c.tokenizerDir(), preprocessor, log).run();
        double t2 = clock.lap();
        progress(console, "[demo %s] stage 2 (%s projector + LLM, vicuna_v1): %d steps, loss %.3f -> %.3f, %.1f s%n",
                s.name(), projector, r2.steps(), r2.firstLoss(), r2.lastLoss(), t2);

        Map<String, String> answers = DemoEvaluator.answer(o2.output(), c.world().imageFolder(), c.items(),
                s.evalBatch());
        DemoScores scores = DemoScores.score(c.items(), answers);
        Path answersFile = out.resolve("answers-" + projector + ".jsonl");
        DemoEvaluator.writeAnswers(answersFile, c.items(), answers);
        double te = clock.lap();
        progress(console, "[demo %s] evaluated %d held-out questions (%s projector) in %.1f s%n", s.name(),
                c.items().size(), projector, te);
        return new ProjectorRun(projector, o1.output(), o2.output(), r1, r2, reading, scores, answers, answersFile,
                t1, t2, tr + te);
    }

    /**
     * The run's settings in the trainer's terms: one pass over at most {@code steps} batches, LLaVA's schedule
     * (warmup 3 %, cosine, no weight decay, clipping at 1.0); the learning rates are the demo's (see
     * {@link DemoSettings}), higher than the 7B recipe's since the stand-ins are tiny.
     */
    private static TrainOptions stageOptions(int stage, Path model, Path vision, Path llm, Path data, Path images,
                                             Path output, DemoSettings.Stage st, long seed) {
        return new TrainOptions(stage, false, model, vision, llm, data, images, output, 1, st.steps(), st.lr(),
                st.batchSize(), 1, LlavaPreprocessor.DEFAULT_MAX_LENGTH, "cosine", 0.03, 0.0, 1.0, true, DType.F32,
                seed, 0, false, false, 1, 128, 256, 0.05, 2e-5, null);
    }

    private static LlavaImagePipeline pipeline(Path preprocessorConfig, TrainOptions o) {
        return new LlavaImagePipeline(ClipImageProcessor.fromJson(preprocessorConfig),
                LlavaImagePipeline.AspectRatio.fromConfigValue(o.aspectRatio()));
    }

    /**
     * The same model with a freshly initialised projector of another type (the paper's linear-vs-MLP
     * ablation; {@code TrainingModel.fromComponents} builds LLaVA-1.5's MLP).
     */
    static LlavaForConditionalGeneration withProjector(LlavaForConditionalGeneration model, String type, long seed) {
        LlavaConfig c = model.config();
        LlavaConfig changed = new LlavaConfig(c.text(), c.vision(), type, c.projectorAct(), c.visionFeatureLayer(),
                c.selectStrategy(), c.imageTokenIndex(), c.ignoreIndex(), c.padTokenId(), c.imageAspectRatio(),
                c.layout());
        LlavaForConditionalGeneration out = new LlavaForConditionalGeneration(changed, Init.meta(DType.F32));
        Map<String, Tensor> state = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> {
            if (!k.startsWith("multi_modal_projector.")) {
                state.put(k, t);
            }
        });
        new MultimodalProjector(type, c.projectorAct(), c.vision().hiddenSize(), c.text().hiddenSize(),
                Init.pytorchDefault(new Generator(seed))).stateDict()
                .forEach((k, t) -> state.put("multi_modal_projector." + k, t));
        out.loadStateDict(state, true);
        return out;
    }

    private static void progress(PrintWriter console, String format, Object... args) {
        console.printf(Locale.ROOT, format, args);
        console.flush();
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    /** Seconds since the previous lap. */
    private static final class Clock {
        private long last = System.nanoTime();

        double lap() {
            long now = System.nanoTime();
            double s = (now - last) / 1e9;
            last = now;
            return s;
        }
    }

}
