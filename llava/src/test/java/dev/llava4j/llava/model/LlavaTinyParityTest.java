package dev.llava4j.llava.model;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.TensorFiles;
import dev.llava4j.tensor.testing.Fixtures;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

/**
 * The tiny random LLaVA of fixtures/llava-tiny against transformers 4.40.2: vision hidden states, projector,
 * merged decoder input and logits within 1e-4 max abs (fixture tolerance); BF16 weights within 1e-3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlavaTinyParityTest {
    private Map<String, Tensor> expected;
    private LlavaWeights weights;

    @BeforeAll
    void load() throws Exception {
        expected = TensorFiles.readAll(Fixtures.path("llava-tiny/expected.safetensors"));
        weights = LlavaWeights.load(Fixtures.path("llava-tiny"), null, null);
    }

    @AfterAll
    void close() {
        weights.close();
    }

    private LlavaForConditionalGeneration model() {
        return weights.model();
    }

    private MergedBatch merged(LlavaForConditionalGeneration m) {
        Tensor features = m.imageFeatures(expected.get("in.pixel_values"));
        long[] ids = expected.get("in.input_ids").toLongArray();
        return MergedBatch.build(m.languageModel(), new long[][]{ids}, null, features,
                m.config().imageTokenIndex(), -100, MergedBatch.Padding.RIGHT);
    }

    @Test
    void configResolvesDefaults() {
        LlavaConfig c = model().config();
        assertEqualsInt(16, c.imageTokens());
        assertEqualsInt(1, c.visionLayersToRun());
        org.junit.jupiter.api.Assertions.assertEquals(1e-5, c.text().rmsNormEps());
        org.junit.jupiter.api.Assertions.assertEquals("quick_gelu", c.vision().hiddenAct());
        org.junit.jupiter.api.Assertions.assertEquals(LlavaConfig.Layout.HF, c.layout());
    }

    private static void assertEqualsInt(int a, int b) {
        org.junit.jupiter.api.Assertions.assertEquals(a, b);
    }

    @Test
    void visionProjectorAndLogitsMatchTransformers() {
        try (GradMode.Guard g = GradMode.noGrad()) {
            LlavaForConditionalGeneration m = model();
            Tensor pixels = expected.get("in.pixel_values");
            Tensor selectedWithCls = m.visionTower().hiddenState(pixels, m.config().visionLayersToRun());
            TensorAssert.assertClose(expected.get("out.vision.selected"), selectedWithCls, 1e-4, "vision selected layer");
            TensorAssert.assertClose(expected.get("out.image_features"), m.selectedVisionFeatures(pixels), 1e-4, "image features");
            TensorAssert.assertClose(expected.get("out.projector"), m.imageFeatures(pixels), 1e-4, "projector");
            MergedBatch batch = merged(m);
            TensorAssert.assertClose(expected.get("out.inputs_embeds"), batch.embeddings(), 1e-4, "merged inputs_embeds");
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.get("in.position_ids").toLongArray(),
                    batch.positions().toLongArray());
            TensorAssert.assertClose(expected.get("out.logits"), m.logits(batch), 1e-4, "logits");
        }
    }

    @Test
    void bf16WeightsGiveTheBf16Logits() throws Exception {
        try (LlavaWeights bf16 = LlavaWeights.load(Fixtures.path("llava-tiny-bf16"), null, null);
             GradMode.Guard g = GradMode.noGrad()) {
            org.junit.jupiter.api.Assertions.assertEquals(DType.BF16,
                    bf16.model().stateDict().get("language_model.lm_head.weight").dtype(), "weights stay BF16 (zero copy)");
            Tensor logits = bf16.model().logits(merged(bf16.model()));
            TensorAssert.assertClose(expected.get("out.logits_bf16_weights"), logits, 1e-4, "logits with bf16 weights");
        }
    }
}
