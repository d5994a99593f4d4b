package dev.llava4j.llava.train;

import dev.llava4j.llava.data.LlavaDataset;
import dev.llava4j.llava.data.LlavaJsonReader;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.model.CausalLmLoss;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.model.MergedBatch;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.nn.Module;
import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.lora.Lora;
import dev.llava4j.nn.lora.LoraConfig;
import dev.llava4j.nn.optim.AdamW;
import dev.llava4j.nn.optim.Optimizer;
import dev.llava4j.nn.optim.ParamGroup;
import dev.llava4j.nn.optim.ParamGroups;
import dev.llava4j.nn.schedule.GradClip;
import dev.llava4j.nn.schedule.LrSchedule;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.safetensors.TensorFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LLaVA's two training stages on one model: freezing per stage (stage 1: projector only; stage 2: projector + LLM;
 * LoRA: adapters + projector), AdamW with decay/no-decay groups, warmup + cosine schedule, gradient accumulation and
 * clipping, metrics, atomic resumable checkpoints, and the final llava-hf checkpoint folder.
 */
public final class Trainer {
    /** Called after every optimizer step (tests use it to simulate a crash). */
    public interface StepListener {
        void afterStep(long step, double loss);
    }

    /** What a run produced. */
    public record Result(long steps, double firstLoss, double lastLoss, Path output, int skippedRecords) {
    }

    /** Raised when the loss or gradient norm stops being finite; the last good checkpoint is kept. */
    public static final class NonFiniteLossException extends RuntimeException {
        NonFiniteLossException(String message) {
            super(message);
        }
    }

    private final TrainOptions o;
    private final LlavaForConditionalGeneration model;
    private final LlamaTokenizer tokenizer;
    private final LlavaImagePipeline images;
    private final Path tokenizerDir;
    private final Path preprocessorConfig;
    private final PrintStream log;
    private StepListener listener = (s, l) -> { };

    public Trainer(TrainOptions options, LlavaForConditionalGeneration model, LlamaTokenizer tokenizer,
                   LlavaImagePipeline images, Path tokenizerDir, Path preprocessorConfig, PrintStream log) {
        this.o = options;
        this.model = model;
        this.tokenizer = tokenizer.legacy() ? tokenizer : tokenizer.withLegacy(true); // LLaVA-1.5 trained with legacy
        this.images = images;
        this.tokenizerDir = tokenizerDir;
        this.preprocessorConfig = preprocessorConfig;
        this.log = log;
    }

    public Trainer onStep(StepListener l) {
        this.listener = l;
        return this;
    }

    /** Sets which parameters train, per the stage, and returns the optimizer's parameter groups. */
    List<ParamGroup> prepareParameters(Generator loraRng) {
        model.setTrainable(false);
        Module projector = model.projector();
        if (o.stage() == 1) {
            projector.setTrainable(true);
            return List.of(ParamGroup.of(projector, o.lr(), o.weightDecay()));
        }
        if (o.lora()) {
            Lora.apply(model.languageModel(), path -> path.startsWith("model.layers.") && !path.contains("lm_head"),
                    new LoraConfig(o.loraRank(), o.loraAlpha(), o.loraDropout()), loraRng);
            projector.setTrainable(true);
            List<ParamGroup> groups = new ArrayList<>(ParamGroups.decayExceptBiasesAndNorms(model.languageModel(), o.lr(), o.weightDecay()));
            groups.add(ParamGroup.of(projector, o.projectorLr(), o.weightDecay()));
            return groups;
        }
        projector.setTrainable(true);
        model.languageModel().setTrainable(true);
        return ParamGroups.decayExceptBiasesAndNorms(model, o.lr(), o.weightDecay());
    }

    public Result run() throws IOException {
        Files.createDirectories(o.output());
        LlavaDataset data = new LlavaJsonReader(o.imageFolder()).read(o.data());
        if (data.skipped() > 0) {
            log.printf("data: skipped %d malformed records of %s; first: %s%n", data.skipped(), o.data(), data.problems());
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException(o.data() + ": no usable training records");
        }
        List<dev.llava4j.llava.data.LlavaRecord> records = data.records();
        Generator loraRng = new Generator(o.seed() ^ 0x10AL);
        Device device = model.device();
        List<ParamGroup> groups = prepareParameters(loraRng);
        model.to(device); // LoRA adapters are created on the host; they join the weights' device
        model.languageModel().setGradientCheckpointing(o.gradientCheckpointing());
        Optimizer optimizer = new AdamW(groups);
        long stepsPerEpoch = Math.max(1, (records.size() + o.globalBatch() - 1) / o.globalBatch());
        long total = o.maxSteps() > 0 ? o.maxSteps() : stepsPerEpoch * o.epochs();
        long warmup = (long) Math.ceil(o.warmupRatio() * total);
        LrSchedule schedule = o.lrSchedule().equals("cosine") ? LrSchedule.cosineWithWarmup(warmup, total)
                : LrSchedule.constantWithWarmup(warmup);
        IndexSampler sampler = sampler(records);
        Generator dropoutRng = new Generator(o.seed());
        TrainerState start = new TrainerState(0, 0, 0, dropoutRng.state(), total, Double.NaN);
        if (o.resume()) {
            start = restore(optimizer, total);
            dropoutRng.setState(start.rngState());
            log.printf("resuming from step %d (epoch %d, sample %d)%n", start.step(), start.epoch(), start.position());
        }
        log.printf("stage %d%s: %d records, %d trainable of %d parameters, %d steps (batch %d x accum %d), lr %.2e%n",
                o.stage(), o.lora() ? " (LoRA)" : "", records.size(), model.trainableParameterCount(),
                model.parameterCount(), total, o.batchSize(), o.gradAccum(), o.lr());
        TrainSampleFactory factory = new TrainSampleFactory(o.imageFolder(), tokenizer, o.template(), o.maxLength(), images);
        Collator collator = new Collator(tokenizer.unkId(), o.maxLength());
        int epoch = start.epoch();
        PrefetchingLoader loader = new PrefetchingLoader(records, factory, sampler.order(epoch), start.position(),
                Math.max(1, o.workers()), 4 * o.batchSize());
        double firstLoss = Double.NaN;
        double lastLoss = start.lastLoss();
        long step = start.step();
        int skipped = 0;
        ProgressBar bar = ProgressBar.forTerminal(log, total);
        try (MetricsLog metrics = MetricsLog.open(o.output().resolve("metrics.jsonl"), step)) {
            while (step < total) {
                long t0 = System.nanoTime();
                double stepLoss = 0;
                long tokens = 0;
                for (int micro = 0; micro < o.gradAccum(); micro++) {
                    List<TrainSample> samples = loader.nextBatch(o.batchSize());
                    if (samples.isEmpty()) {
                        skipped += loader.skipped();
                        loader.close();
                        epoch++;
                        loader = new PrefetchingLoader(records, factory, sampler.order(epoch), 0, Math.max(1, o.workers()), 4 * o.batchSize());
                        samples = loader.nextBatch(o.batchSize());
                        if (samples.isEmpty()) {
                            throw new IllegalStateException("no record of " + o.data() + " could be loaded: " + loader.problems());
                        }
                    }
                    TrainBatch batch = collator.collate(samples);
                    tokens += batch.tokenCount();
                    stepLoss += microStep(batch) / o.gradAccum();
                }
                double gradNorm = o.maxGradNorm() > 0 ? GradClip.clipGlobalNorm(optimizer, o.maxGradNorm())
                        : GradClip.globalNorm(optimizer.parameters());
                if (!Double.isFinite(stepLoss) || !Double.isFinite(gradNorm)) {
                    throw new NonFiniteLossException("step " + (step + 1) + ": loss " + stepLoss + ", gradient norm " + gradNorm
                            + " is not finite; stopping. The last good checkpoint in " + o.output() + " is kept; lower --lr or check the data.");
                }
                schedule.apply(optimizer, step);
                double lr = groups.get(0).lr();
                optimizer.step();
                optimizer.clearGrads(); // set_to_none, as the HF Trainer does: no zero fill, no add into zeros
                step++;
                double seconds = (System.nanoTime() - t0) / 1e9;
                metrics.log(step, stepLoss, lr, gradNorm, tokens / seconds);
                bar.update(step, stepLoss, lr, gradNorm, tokens / seconds);
                if (Double.isNaN(firstLoss)) {
                    firstLoss = stepLoss;
                }
                lastLoss = stepLoss;
                if (o.saveEvery() > 0 && step % o.saveEvery() == 0 && step < total) {
                    saveCheckpoint(optimizer, new TrainerState(step, epoch, loader.position(), dropoutRng.state(), total, lastLoss));
                }
                listener.afterStep(step, stepLoss);
            }
            bar.finish();
        } finally {
            skipped += loader.skipped();
            loader.close();
        }
        writeOutputs();
        return new Result(step, firstLoss, lastLoss, o.output(), skipped);
    }

    /** Forward, loss and backward of one micro-batch (vision tower frozen: run without a graph). */
    private double microStep(TrainBatch batch) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor features = null;
            if (batch.numImages() > 0) {
                int side = (int) Math.round(Math.sqrt(batch.pixelValues()[0].length / 3.0));
                Tensor pixels = Tensor.of(batch.stackedPixelValues(), batch.numImages(), 3, side, side);
                Tensor selected;
                try (GradMode.Guard g = GradMode.noGrad()) {
                    selected = model.selectedVisionFeatures(pixels).detach();
                }
                features = model.projector().forward(selected);
            }
            MergedBatch merged = MergedBatch.build(model.languageModel(), batch.inputIds(), batch.labels(), features,
                    LlavaPreprocessor.IMAGE_TOKEN_INDEX, LlavaPreprocessor.IGNORE_INDEX, MergedBatch.Padding.RIGHT);
            Tensor loss = CausalLmLoss.ofHidden(model.languageModel(), model.hidden(merged, null), merged.labelTensor(),
                    LlavaPreprocessor.IGNORE_INDEX);
            double value = loss.item();
            if (Double.isFinite(value)) {
                loss.mul(1.0 / o.gradAccum()).backward();
            }
            return value;
        }
    }

    private IndexSampler sampler(List<dev.llava4j.llava.data.LlavaRecord> records) {
        if (!o.shuffle()) {
            return new SequentialSampler(records.size());
        }
        if (o.stage() == 2) {
            return new LengthGroupedSampler(LengthGroupedSampler.modalityLengths(records), (int) o.globalBatch(), o.seed());
        }
        return new ShuffleSampler(records.size(), o.seed());
    }

    // ------------------------------------------------------------------ checkpoints

    private Map<String, Tensor> trainableTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getValue().isTrainable()) {
                out.put(e.getKey(), e.getValue().value().detach());
            }
        }
        return out;
    }

    /**
     * checkpoint-N/ with the trainable weights, the optimizer state and the trainer state, written into a temporary
     * folder and renamed into place, so a crash never leaves a half-written checkpoint; "latest" names the newest.
     */
    private void saveCheckpoint(Optimizer optimizer, TrainerState state) throws IOException {
        Path dir = o.output().resolve("checkpoint-" + state.step());
        Path tmp = o.output().resolve(".checkpoint-" + state.step() + ".tmp");
        deleteRecursively(tmp);
        Files.createDirectories(tmp);
        TensorFiles.write(tmp.resolve("trainable.safetensors"), trainableTensors(), Map.of("format", "pt"));
        optimizer.saveState(tmp.resolve("optimizer.safetensors"));
        state.write(tmp);
        deleteRecursively(dir);
        Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Path latest = o.output().resolve("latest");
        Path latestTmp = o.output().resolve(".latest.tmp");
        Files.writeString(latestTmp, dir.getFileName().toString());
        Files.move(latestTmp, latest, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private TrainerState restore(Optimizer optimizer, long total) throws IOException {
        Path latest = o.output().resolve("latest");
        if (!Files.isRegularFile(latest)) {
            throw new IOException(o.output() + ": --resume given but no checkpoint was found (no 'latest' file)");
        }
        Path dir = o.output().resolve(Files.readString(latest).strip());
        TrainerState state = TrainerState.read(dir);
        if (state.totalSteps() != total) {
            throw new IOException(dir + ": the checkpoint planned " + state.totalSteps() + " steps but this run plans " + total
                    + "; resume with the same --epochs/--max-steps/--batch-size/--grad-accum");
        }
        Map<String, Tensor> saved = TensorFiles.readAll(dir.resolve("trainable.safetensors"));
        Map<String, Parameter> params = model.namedParameters();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (e.getValue().isTrainable() && !saved.containsKey(e.getKey())) {
                problems.add("missing " + e.getKey());
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException(dir + ": checkpoint does not match the model: " + problems);
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : saved.entrySet()) {
                Parameter p = params.get(e.getKey());
                if (p == null) {
                    throw new IOException(dir + ": unexpected tensor " + e.getKey());
                }
                p.value().copyFrom(e.getValue());
            }
        }
        optimizer.loadState(dir.resolve("optimizer.safetensors"));
        return state;
    }

    /** The complete llava-hf folder (LoRA merged into the weights; the adapter also saved in adapter/), plus the plot. */
    private void writeOutputs() throws IOException {
        if (o.lora()) {
            Lora.saveAdapter(o.output().resolve("adapter"), model.languageModel());
            Lora.mergeAndUnload(model.languageModel()); // the output folder is a plain checkpoint that generate loads
        }
        TrainingModel.saveHfCheckpoint(model, o.output(), tokenizerDir, preprocessorConfig);
        List<double[]> points = new ArrayList<>();
        for (MetricsRow r : MetricsLog.read(o.output().resolve("metrics.jsonl"))) {
            points.add(new double[]{r.step(), r.loss()});
        }
        if (!points.isEmpty()) {
            LossPlot.write(o.output().resolve("loss.png"), points, "stage " + o.stage() + (o.lora() ? " LoRA" : "") + " training loss");
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
