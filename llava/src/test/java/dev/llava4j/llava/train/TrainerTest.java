package dev.llava4j.llava.train;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.image.ClipImageProcessor;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.TensorFiles;
import dev.llava4j.tensor.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer on the tiny llava-train model and the llava-data records: stages, outputs, resume, NaN stop. */
class TrainerTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static TrainOptions options(int stage, boolean lora, Path out, long maxSteps, long saveEvery, boolean resume, double lr) {
        return new TrainOptions(stage, lora, Fixtures.path("llava-train"), null, null, Fixtures.path("llava-data/data.json"),
                Fixtures.path("llava-data"), out, 1, maxSteps, lr, 2, 2, 256, "cosine", 0.03, 0.0, 1.0, true, null,
                7, saveEvery, resume, false, 1, 8, 16, 0.0, 2e-5, null);
    }

    private static Trainer.Result train(TrainOptions o, Trainer.StepListener listener) throws Exception {
        LlavaForConditionalGeneration model = TrainingModel.fromCheckpoint(o.model(), null);
        LlamaTokenizer tok = LlamaTokenizer.load(Fixtures.path("tokenizer"));
        Path pre = Fixtures.path("llava-train/preprocessor_config.json");
        LlavaImagePipeline images = new LlavaImagePipeline(ClipImageProcessor.fromJson(pre),
                LlavaImagePipeline.AspectRatio.fromConfigValue(o.aspectRatio()));
        return new Trainer(o, model, tok, images, Fixtures.path("tokenizer"), pre, QUIET).onStep(listener).run();
    }

    @Test
    void stageOneTrainsTheProjectorAndWritesALoadableCheckpoint(@TempDir Path out) throws Exception {
        Trainer.Result r = train(options(1, false, out, 8, 0, false, 1e-3), (s, l) -> { });
        assertEquals(8, r.steps());
        assertTrue(r.lastLoss() < r.firstLoss(), "loss fell: " + r.firstLoss() + " -> " + r.lastLoss());
        List<MetricsRow> rows = MetricsLog.read(out.resolve("metrics.jsonl"));
        assertEquals(8, rows.size());
        assertEquals(1, rows.get(0).step());
        assertTrue(rows.get(0).lr() < rows.get(1).lr() || rows.get(1).lr() < rows.get(7).lr() || rows.get(7).lr() < 1e-3,
                "warmup then cosine decay");
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        String line = Files.readAllLines(out.resolve("metrics.jsonl")).get(0);
        assertTrue(line.matches("\\{\"step\":1,\"loss\":[^,]+,\"lr\":[^,]+,\"grad_norm\":[^,]+,\"tokens_per_s\":[^,]+}"), line);
        // only the projector moved
        Map<String, Tensor> before = TensorFiles.readAll(Fixtures.path("llava-train/model.safetensors"));
        Map<String, Tensor> after = TensorFiles.readAll(out.resolve("model.safetensors"));
        assertArrayEquals(before.get("language_model.model.norm.weight").toFloatArray(),
                after.get("language_model.model.norm.weight").toFloatArray());
        assertTrue(!Arrays.equals(before.get("multi_modal_projector.linear_1.weight").toFloatArray(),
                after.get("multi_modal_projector.linear_1.weight").toFloatArray()));
        try (LlavaModel m = LlavaModel.load(out)) {
            assertEquals(LlamaTokenizer.load(Fixtures.path("tokenizer")).encode("USER: hi").length,
                    m.tokenize("USER: hi").length, "tokenizer files copied");
        }
    }

    @Test
    void resumeAfterACrashIsBitIdentical(@TempDir Path a, @TempDir Path b) throws Exception {
        train(options(2, false, a, 6, 2, false, 2e-5), (s, l) -> { });
        assertThrows(IllegalStateException.class, () -> train(options(2, false, b, 6, 2, false, 2e-5), (s, l) -> {
            if (s == 3) {
                throw new IllegalStateException("simulated crash after step 3");
            }
        }));
        assertEquals("checkpoint-2", Files.readString(b.resolve("latest")).strip());
        for (String f : new String[]{"trainable.safetensors", "optimizer.safetensors"}) {
            Map<String, Tensor> ca = TensorFiles.readAll(a.resolve("checkpoint-2/" + f));
            Map<String, Tensor> cb = TensorFiles.readAll(b.resolve("checkpoint-2/" + f));
            for (String k : ca.keySet()) {
                assertArrayEquals(ca.get(k).toFloatArray(), cb.get(k).toFloatArray(), "checkpoint-2 " + f + " " + k);
            }
        }
        train(options(2, false, b, 6, 2, true, 2e-5), (s, l) -> { });
        for (String f : new String[]{"trainable.safetensors", "optimizer.safetensors"}) {
            Map<String, Tensor> ca = TensorFiles.readAll(a.resolve("checkpoint-4/" + f));
            Map<String, Tensor> cb = TensorFiles.readAll(b.resolve("checkpoint-4/" + f));
            for (String k : ca.keySet()) {
                assertArrayEquals(ca.get(k).toFloatArray(), cb.get(k).toFloatArray(), "checkpoint-4 " + f + " " + k);
            }
        }
        Map<String, Tensor> ua = TensorFiles.readAll(a.resolve("model.safetensors"));
        Map<String, Tensor> ub = TensorFiles.readAll(b.resolve("model.safetensors"));
        for (String k : ua.keySet()) {
            assertArrayEquals(ua.get(k).toFloatArray(), ub.get(k).toFloatArray(), "bit-identical " + k);
        }
        assertEquals(Files.readAllLines(a.resolve("metrics.jsonl")).stream().map(TrainerTest::lossOf).toList(),
                Files.readAllLines(b.resolve("metrics.jsonl")).stream().map(TrainerTest::lossOf).toList());
    }

    private static String lossOf(String metricsLine) {
        return metricsLine.replaceAll(".*\"loss\":([^,]+),.*", "$1");
    }

    @Test
    void loraStageTwoTrainsAdaptersAndProjector(@TempDir Path out) throws Exception {
        Trainer.Result r = train(options(2, true, out, 4, 0, false, 2e-3), (s, l) -> { });
        assertEquals(4, r.steps());
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_config.json")));
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_model.safetensors")));
        try (LlavaModel m = LlavaModel.load(out)) {
            assertTrue(m.module().stateDict().keySet().stream().noneMatch(k -> k.contains("lora")), "merged output");
        }
    }

    @Test
    void aDivergingRunStopsWithAClearMessage(@TempDir Path out) throws Exception {
        Trainer.NonFiniteLossException e = assertThrows(Trainer.NonFiniteLossException.class,
                () -> train(options(2, false, out, 30, 0, false, 1e36), (s, l) -> { }));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
    }
}
