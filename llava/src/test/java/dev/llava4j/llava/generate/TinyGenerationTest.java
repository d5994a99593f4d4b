package dev.llava4j.llava.generate;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.model.MergedBatch;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.TensorFiles;
import dev.llava4j.tensor.testing.Fixtures;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** KV-cache generation on fixtures/llava-tiny against transformers' greedy generate(): ids exact, scores 1e-4. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TinyGenerationTest {
    private Map<String, Tensor> expected;
    private LlavaModel model;
    private long[] promptIds;

    @BeforeAll
    void load() throws Exception {
        expected = TensorFiles.readAll(Fixtures.path("llava-tiny/expected.safetensors"));
        model = LlavaModel.load(Fixtures.path("llava-tiny"));
        promptIds = expected.get("in.input_ids").toLongArray();
    }

    @AfterAll
    void close() {
        model.close();
    }

    private GenerationOptions greedy8() {
        return GenerationOptions.greedy(8).withStopAtEos(false);
    }

    @Test
    void greedyIdsEqualTransformersFromTheImageFile() {
        var image = ImageLoader.load(Fixtures.path("llava-tiny/image.png"));
        GenerationResult r = model.generateIds(promptIds, image, greedy8(), TokenListener.NONE);
        assertArrayEquals(expected.get("gen.new_tokens").toLongArray(), Arrays.stream(r.ids()).asLongStream().toArray());
        assertEquals("max_new_tokens", r.stopReason());
    }

    @Test
    void everyStepsLogitsEqualTheFixtureScores() {
        long[] newTokens = expected.get("gen.new_tokens").toLongArray();
        Tensor scores = expected.get("gen.scores");
        LlavaForConditionalGeneration m = model.module();
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor features = m.imageFeatures(expected.get("in.pixel_values"));
            for (int step = 0; step < newTokens.length; step++) {
                long[] ids = Arrays.copyOf(promptIds, promptIds.length + step);
                System.arraycopy(newTokens, 0, ids, promptIds.length, step);
                MergedBatch batch = MergedBatch.build(m.languageModel(), new long[][]{ids}, null, features,
                        m.config().imageTokenIndex(), -100, MergedBatch.Padding.RIGHT);
                Tensor logits = m.logits(batch);
                Tensor last = logits.select(1, logits.size(1) - 1).squeeze(0);
                TensorAssert.assertClose(scores.select(1, step).squeeze(0), last, 1e-4, "scores at step " + step);
            }
        }
    }

    @Test
    void batchedLeftPaddedGenerationEqualsSingle() {
        Tensor pixels = expected.get("in.pixel_values");
        LlavaForConditionalGeneration m = model.module();
        long[] shorter = Arrays.copyOfRange(promptIds, 2, promptIds.length);
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor twoImages = m.imageFeatures(dev.llava4j.tensor.ops.Indexing.cat(List.of(pixels, pixels), 0));
            Tensor oneImage = m.imageFeatures(pixels);
            TextGenerator gen = new TextGenerator(m, null);
            List<GenerationResult> both = gen.generate(new long[][]{promptIds, shorter}, twoImages, greedy8(), TokenListener.NONE);
            GenerationResult a = gen.generate(new long[][]{promptIds}, oneImage, greedy8(), TokenListener.NONE).get(0);
            GenerationResult b = gen.generate(new long[][]{shorter}, oneImage, greedy8(), TokenListener.NONE).get(0);
            assertArrayEquals(a.ids(), both.get(0).ids());
            assertArrayEquals(b.ids(), both.get(1).ids());
        }
    }

    @Test
    void samplingIsSeededAndDiffersFromGreedy() {
        var image = ImageLoader.load(Fixtures.path("llava-tiny/image.png"));
        GenerationOptions hot = GenerationOptions.greedy(12).withStopAtEos(false).withSampling(1.5, 0, 1.0, 7);
        int[] a = model.generateIds(promptIds, image, hot, TokenListener.NONE).ids();
        int[] b = model.generateIds(promptIds, image, hot, TokenListener.NONE).ids();
        assertArrayEquals(a, b, "same seed, same tokens");
        int[] greedy = model.generateIds(promptIds, image, GenerationOptions.greedy(12).withStopAtEos(false), TokenListener.NONE).ids();
        assertNotEquals(Arrays.toString(greedy), Arrays.toString(a), "temperature 1.5 should leave the greedy path");
        int[] topK1 = model.generateIds(promptIds, image, hot.withSampling(1.5, 1, 1.0, 3), TokenListener.NONE).ids();
        assertArrayEquals(greedy, topK1, "top-k 1 is greedy");
    }
}
