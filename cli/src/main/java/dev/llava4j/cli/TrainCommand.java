package dev.llava4j.cli;

import dev.llava4j.llava.image.ClipImageProcessor;
import dev.llava4j.llava.image.ClipProcessorConfig;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.llava.train.TrainOptions;
import dev.llava4j.llava.train.Trainer;
import dev.llava4j.llava.train.TrainingModel;
import dev.llava4j.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./llava4j train}: LLaVA-1.5 stage 1 / stage 2 (optionally LoRA) training. */
@Command(name = "train", description = "Train LLaVA: stage 1 (projector alignment) or stage 2 (instruction tuning, --lora optional).")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--stage", required = true, description = "1 = projector only (plain template); 2 = projector + LLM (vicuna_v1).")
    int stage;
    @Option(names = "--lora", description = "Stage 2 with LoRA adapters on the LLM (r 128, alpha 256 by default).")
    boolean lora;
    @Option(names = "--model", paramLabel = "DIR", description = "A LLaVA checkpoint to start from (e.g. a stage-1 output).")
    Path model;
    @Option(names = "--vision-tower", paramLabel = "DIR", description = "CLIP folder (with --llm, when starting from components).")
    Path visionTower;
    @Option(names = "--llm", paramLabel = "DIR", description = "LLaMA/Vicuna folder (with --vision-tower).")
    Path llm;
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "LLaVA JSON or JSONL records.")
    Path data;
    @Option(names = "--image-folder", required = true, paramLabel = "DIR")
    Path imageFolder;
    @Option(names = "--output", required = true, paramLabel = "DIR")
    Path output;
    @Option(names = "--epochs", defaultValue = "1")
    int epochs;
    @Option(names = "--max-steps", defaultValue = "0", description = "Optimizer steps (0 = --epochs over the data).")
    long maxSteps;
    @Option(names = "--lr", description = "Learning rate (default: 1e-3 stage 1, 2e-5 stage 2, 2e-4 LoRA).")
    Double lr;
    @Option(names = "--batch-size", defaultValue = "4", description = "Micro-batch size.")
    int batchSize;
    @Option(names = "--grad-accum", defaultValue = "1")
    int gradAccum;
    @Option(names = "--max-length", defaultValue = "2048")
    int maxLength;
    @Option(names = "--lr-schedule", defaultValue = "cosine", description = "cosine or constant (both with warmup).")
    String lrSchedule;
    @Option(names = "--warmup-ratio", defaultValue = "0.03")
    double warmupRatio;
    @Option(names = "--weight-decay", defaultValue = "0")
    double weightDecay;
    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Clip the global gradient norm (0 disables).")
    double maxGradNorm;
    @Option(names = "--no-shuffle", description = "Keep the data order.")
    boolean noShuffle;
    @Option(names = "--dtype", description = "f32 or bf16 weights (bf16 keeps F32 master weights in the optimizer).")
    String dtype;
    @Option(names = "--seed", defaultValue = "42")
    long seed;
    @Option(names = "--save-every", defaultValue = "0", description = "Write a resumable checkpoint every N steps.")
    long saveEvery;
    @Option(names = "--resume", description = "Continue from the latest checkpoint in --output.")
    boolean resume;
    @Option(names = "--gradient-checkpointing", description = "Recompute decoder activations in backward (less memory).")
    boolean gradientCheckpointing;
    @Option(names = "--workers", defaultValue = "2", description = "Image decoding threads.")
    int workers;
    @Option(names = "--lora-r", defaultValue = "128")
    int loraRank;
    @Option(names = "--lora-alpha", defaultValue = "256")
    double loraAlpha;
    @Option(names = "--lora-dropout", defaultValue = "0.05")
    double loraDropout;
    @Option(names = "--projector-lr", defaultValue = "2e-5", description = "Projector learning rate with --lora.")
    double projectorLr;
    @Option(names = "--image-aspect-ratio", description = "pad or square (default: square for stage 1, pad for stage 2).")
    String imageAspectRatio;

    @Mixin
    DeviceOption deviceOption;

    @Override
    public Integer call() throws Exception {
        Device device = deviceOption.resolve();
        TrainOptions o = new TrainOptions(stage, lora, model, visionTower, llm, data, imageFolder, output, epochs, maxSteps,
                lr != null ? lr : TrainOptions.defaultLr(stage, lora), batchSize, gradAccum, maxLength, lrSchedule,
                warmupRatio, weightDecay, maxGradNorm, !noShuffle, ModelOptions.parseDtype(dtype), seed, saveEvery,
                resume, gradientCheckpointing, workers, loraRank, loraAlpha, loraDropout, projectorLr, imageAspectRatio);
        Path tokenizerDir = model != null ? model : llm;
        LlamaTokenizer tokenizer = LlamaTokenizer.load(tokenizerDir);
        LlavaForConditionalGeneration m = model != null ? TrainingModel.fromCheckpoint(model, o.dtype())
                : TrainingModel.fromComponents(visionTower, llm, o.dtype(), seed);
        m.to(device); // weights, then (in the trainer) gradients, AdamW moments and master copies live there
        Path pre = null;
        for (Path d : new Path[]{model, visionTower}) {
            if (d != null && Files.isRegularFile(d.resolve("preprocessor_config.json"))) {
                pre = d.resolve("preprocessor_config.json");
                break;
            }
        }
        ClipImageProcessor processor = pre != null ? ClipImageProcessor.fromJson(pre)
                : new ClipImageProcessor(ClipProcessorConfig.openAiClip(m.config().vision().imageSize()));
        LlavaImagePipeline images = new LlavaImagePipeline(processor,
                LlavaImagePipeline.AspectRatio.fromConfigValue(o.aspectRatio()));
        try {
            Trainer.Result r = new Trainer(o, m, tokenizer, images, tokenizerDir, pre, System.err).run();
            System.err.printf("done: %d steps, loss %.4f -> %.4f; checkpoint, metrics.jsonl and loss.png in %s%s%n",
                    r.steps(), r.firstLoss(), r.lastLoss(), r.output(),
                    r.skippedRecords() > 0 ? " (" + r.skippedRecords() + " records skipped)" : "");
            return 0;
        } catch (Trainer.NonFiniteLossException e) {
            System.err.println("error: " + e.getMessage());
            return 3;
        }
    }
}
