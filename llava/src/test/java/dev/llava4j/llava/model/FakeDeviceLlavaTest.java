package dev.llava4j.llava.model;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.generate.GenerationOptions;
import dev.llava4j.llava.generate.GenerationResult;
import dev.llava4j.llava.generate.TextGenerator;
import dev.llava4j.llava.generate.TokenListener;
import dev.llava4j.llava.image.ClipImageProcessor;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.llava.train.MetricsLog;
import dev.llava4j.llava.train.MetricsRow;
import dev.llava4j.llava.train.TrainOptions;
import dev.llava4j.llava.train.Trainer;
import dev.llava4j.llava.train.TrainingModel;
import dev.llava4j.nn.Parameter;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.ops.Indexing;
import dev.llava4j.tensor.safetensors.TensorFiles;
import dev.llava4j.tensor.testing.FakeDeviceBackend;
import dev.llava4j.tensor.testing.Fixtures;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LLaVA on {@link FakeDeviceBackend}: a CUDA stand-in that refuses host access to its memory and hands out garbage
 * instead of zeros, while computing with the CPU backend. A model moved there must give the CPU run's logits, greedy
 * ids and training step; any code path that still reads device memory from the host, mixes devices or relies on
 * fresh memory being zero fails here as it would on a GPU.
 */
class FakeDeviceLlavaTest {
    private static final Device GPU = Device.CUDA;
    private Backends.Handle fake;

    @BeforeEach
    void installFake() {
        fake = FakeDeviceBackend.install();
    }

    @AfterEach
    void removeFake() {
        fake.close();
    }

    private static Tensor logits(LlavaForConditionalGeneration m, Map<String, Tensor> in) {
        Tensor features = m.imageFeatures(in.get("in.pixel_values"));
        MergedBatch batch = MergedBatch.build(m.languageModel(), new long[][]{in.get("in.input_ids").toLongArray()}, null,
                features, m.config().imageTokenIndex(), -100, MergedBatch.Padding.RIGHT);
        return m.logits(batch);
    }

    @Test
    void forwardLogitsOnTheDeviceEqualTheCpuRunForF32AndBf16Weights() throws Exception {
        Map<String, Tensor> expected = TensorFiles.readAll(Fixtures.path("llava-tiny/expected.safetensors"));
        for (String folder : new String[]{"llava-tiny", "llava-tiny-bf16"}) {
            try (LlavaWeights cpu = LlavaWeights.load(Fixtures.path(folder), null, null);
                 LlavaWeights dev = LlavaWeights.load(Fixtures.path(folder), null, null);
                 GradMode.Guard g = GradMode.noGrad()) {
                Tensor cpuLogits = logits(cpu.model(), expected);
                dev.model().to(GPU);
                for (Map.Entry<String, Parameter> p : dev.model().namedParameters().entrySet()) {
                    assertEquals(GPU, p.getValue().value().device(), p.getKey());
                    assertEquals(cpu.model().namedParameters().get(p.getKey()).value().dtype(), p.getValue().value().dtype(),
                            p.getKey() + " keeps its stored dtype");
                }
                Tensor devLogits = logits(dev.model(), expected);
                assertEquals(GPU, devLogits.device());
                assertArrayEquals(cpuLogits.toDoubleArray(), devLogits.toDoubleArray(), 0.0, folder + " logits");
                String key = folder.endsWith("bf16") ? "out.logits_bf16_weights" : "out.logits";
                TensorAssert.assertClose(expected.get(key), devLogits.toHost(), 1e-4, folder + " logits vs transformers");
            }
        }
    }

    @Test
    void greedyAndBatchedLeftPaddedGenerationOnTheDeviceEqualTheCpu() throws Exception {
        Map<String, Tensor> expected = TensorFiles.readAll(Fixtures.path("llava-tiny/expected.safetensors"));
        long[] prompt = expected.get("in.input_ids").toLongArray();
        long[] shorter = java.util.Arrays.copyOfRange(prompt, 2, prompt.length);
        var image = ImageLoader.load(Fixtures.path("llava-tiny/image.png"));
        GenerationOptions greedy = GenerationOptions.greedy(8).withStopAtEos(false);
        try (LlavaModel cpu = LlavaModel.load(Fixtures.path("llava-tiny"));
             LlavaModel onGpu = LlavaModel.load(Fixtures.path("llava-tiny")).to(GPU)) {
            GenerationResult onCpu = cpu.generateIds(prompt, image, greedy, TokenListener.NONE);
            GenerationResult onDev = onGpu.generateIds(prompt, image, greedy, TokenListener.NONE);
            assertArrayEquals(onCpu.ids(), onDev.ids());
            assertArrayEquals(expected.get("gen.new_tokens").toLongArray(),
                    java.util.Arrays.stream(onDev.ids()).asLongStream().toArray(), "transformers' greedy ids");

            // two prompts of different lengths: left padding, the padding mask of every decode step, zero rows
            List<List<GenerationResult>> runs = new java.util.ArrayList<>();
            for (LlavaModel m : List.of(cpu, onGpu)) {
                try (GradMode.Guard g = GradMode.noGrad()) {
                    Tensor pixels = expected.get("in.pixel_values");
                    Tensor feats = m.module().imageFeatures(Indexing.cat(List.of(pixels, pixels), 0));
                    runs.add(new TextGenerator(m.module(), null).generate(new long[][]{prompt, shorter}, feats, greedy,
                            TokenListener.NONE));
                }
            }
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(runs.get(0).get(i).ids(), runs.get(1).get(i).ids(), "batched prompt " + i);
            }
        }
    }

    private static TrainOptions stageTwo(Path out) {
        // two optimizer steps of the full stage-2 recipe with clipping, saving a checkpoint after the first
        return new TrainOptions(2, false, Fixtures.path("llava-train"), null, null, Fixtures.path("llava-data/data.json"),
                Fixtures.path("llava-data"), out, 1, 2, 2e-5, 2, 1, 256, "cosine", 0.03, 0.0, 1.0, true, null,
                7, 1, false, false, 1, 8, 16, 0.0, 2e-5, null);
    }

    private static void train(TrainOptions o, Device device) throws Exception {
        LlavaForConditionalGeneration model = TrainingModel.fromCheckpoint(o.model(), null);
        model.to(device);
        Path pre = Fixtures.path("llava-train/preprocessor_config.json");
        LlavaImagePipeline images = new LlavaImagePipeline(ClipImageProcessor.fromJson(pre),
                LlavaImagePipeline.AspectRatio.fromConfigValue(o.imageAspectRatio()));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        new Trainer(o, model, LlamaTokenizer.load(Fixtures.path("tokenizer")), images, Fixtures.path("tokenizer"), pre, quiet).run();
    }

    @Test
    void trainingStepsOnTheDeviceEqualTheCpu(@TempDir Path cpuOut, @TempDir Path devOut) throws Exception {
        train(stageTwo(cpuOut), Device.CPU);
        train(stageTwo(devOut), GPU);
        List<MetricsRow> cpu = MetricsLog.read(cpuOut.resolve("metrics.jsonl"));
        List<MetricsRow> dev = MetricsLog.read(devOut.resolve("metrics.jsonl"));
        assertEquals(2, dev.size());
        // the first loss precedes any update, so it is the same computation on the same kernels: bit-identical
        assertEquals(cpu.get(0).loss(), dev.get(0).loss(), 0.0, "loss of step 1");
        // the device path sums the squared gradients for the clipping norm in another order (on the device, in
        // double) than the CPU loop, so the norm and everything after the first update agree to rounding only
        for (int i = 0; i < 2; i++) {
            assertEquals(cpu.get(i).gradNorm(), dev.get(i).gradNorm(), 1e-9 * cpu.get(i).gradNorm(), "grad norm " + i);
            assertEquals(cpu.get(i).loss(), dev.get(i).loss(), 1e-6 * Math.abs(cpu.get(i).loss()), "loss " + i);
        }
        assertTrue(Files.isDirectory(devOut.resolve("checkpoint-1")), "the checkpoint of step 1 was written from device memory");
        Map<String, Tensor> a = TensorFiles.readAll(cpuOut.resolve("model.safetensors"));
        Map<String, Tensor> b = TensorFiles.readAll(devOut.resolve("model.safetensors"));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            TensorAssert.assertClose(a.get(k), b.get(k), 1e-7, "trained " + k);
        }
        Map<String, Tensor> before = TensorFiles.readAll(Fixtures.path("llava-train/model.safetensors"));
        assertTrue(TensorAssert.maxAbsDiff(before.get("language_model.model.layers.0.mlp.up_proj.weight"),
                b.get("language_model.model.layers.0.mlp.up_proj.weight")) > 1e-7, "the language model was trained on the device");
        Map<String, Tensor> optimizer = TensorFiles.readAll(devOut.resolve("checkpoint-1/optimizer.safetensors"));
        assertTrue(optimizer.values().stream().allMatch(t -> t.dtype() == DType.F32 && t.device() == Device.CPU),
                "optimizer state saved from the device as F32");
    }
}
