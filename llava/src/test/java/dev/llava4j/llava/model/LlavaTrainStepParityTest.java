package dev.llava4j.llava.model;

import dev.llava4j.nn.Parameter;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.safetensors.TensorFiles;
import dev.llava4j.tensor.testing.Fixtures;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The training step of fixtures/llava-train (a padded batch of two records through a tiny LLaVA with the full
 * 32064 vocabulary) against transformers + the official LLaVA code: merged layout, loss (1e-5 relative),
 * gradients (1e-4 x max|grad|) and the parameters after two AdamW steps (1e-6 absolute, relative 1e-4 for the loss).
 */
class LlavaTrainStepParityTest {

    @Test
    void lossGradientsAndTwoAdamWStepsMatch() throws Exception {
        Map<String, Tensor> in = TensorFiles.readAll(Fixtures.path("llava-train/inputs.safetensors"));
        Map<String, Tensor> ex = TensorFiles.readAll(Fixtures.path("llava-train/expected.safetensors"));
        try (LlavaWeights w = LlavaWeights.load(Fixtures.path("llava-train"), null, null, true)) {
            LlavaForConditionalGeneration m = w.model();
            long[][] ids = rows(in.get("hf.input_ids"), in.get("hf.attention_mask"));
            long[][] labels = rows(in.get("hf.labels"), in.get("hf.attention_mask"));
            Tensor pixels = in.get("pixel_values");

            Tensor loss;
            MergedBatch batch;
            try (TensorScope s = TensorScope.open()) {
                batch = MergedBatch.build(m.languageModel(), ids, labels, m.imageFeatures(pixels),
                        m.config().imageTokenIndex(), -100, MergedBatch.Padding.RIGHT);
                TensorAssert.assertClose(ex.get("merged.inputs_embeds"), batch.embeddings(), 1e-4, "merged inputs_embeds");
                assertArrayEquals(ex.get("merged.labels").toLongArray(), batch.labelTensor().toLongArray(), "merged labels");
                assertArrayEquals(ex.get("merged.attention_mask").toLongArray(),
                        Arrays.stream(batch.attentionMask().toDoubleArray()).mapToLong(d -> (long) d).toArray());
                assertEquals(ex.get("train.num_targets").getLong(), CausalLmLoss.targets(batch.labels(), -100));
                // the trainer's path: the LM head runs on the supervised positions only
                loss = CausalLmLoss.ofHidden(m.languageModel(), m.hidden(batch, null), batch.labelTensor(), -100);
                assertEquals(ex.get("train.loss").item(), loss.item(), 1e-6 * Math.abs(ex.get("train.loss").item()), "loss");
                loss.backward();
            }
            Map<String, Parameter> params = m.namedParameters();
            for (String name : new String[]{"multi_modal_projector.linear_1.weight", "multi_modal_projector.linear_1.bias",
                    "multi_modal_projector.linear_2.weight", "multi_modal_projector.linear_2.bias",
                    "language_model.model.layers.0.self_attn.q_proj.weight", "language_model.model.norm.weight",
                    "vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight",
                    "vision_tower.vision_model.embeddings.patch_embedding.weight"}) {
                TensorAssert.assertGradClose(ex.get("grad." + name), params.get(name).grad(), 1e-4, "grad " + name);
            }
            checkRows(ex, "grad.language_model.model.embed_tokens.weight", params.get("language_model.model.embed_tokens.weight").grad(), 1e-4);
            checkRows(ex, "grad.language_model.lm_head.weight", params.get("language_model.lm_head.weight").grad(), 1e-4);

            // two AdamW steps over every parameter that received a gradient (lr 1e-3, betas .9/.999, eps 1e-8, wd 0)
            Map<String, Tensor[]> state = new HashMap<>();
            adamStep(params, state, 1);
            for (String name : new String[]{"multi_modal_projector.linear_1.weight", "multi_modal_projector.linear_1.bias",
                    "multi_modal_projector.linear_2.weight", "multi_modal_projector.linear_2.bias",
                    "language_model.model.layers.0.self_attn.q_proj.weight"}) {
                assertAdam(ex.get("adamw.step1." + name), params.get(name).value(), ex.get("grad." + name), "step 1 " + name);
            }
            try (TensorScope s = TensorScope.open()) {
                params.values().forEach(Parameter::value);
                params.values().forEach(p -> p.value().zeroGrad());
                MergedBatch b2 = MergedBatch.build(m.languageModel(), ids, labels, m.imageFeatures(pixels),
                        m.config().imageTokenIndex(), -100, MergedBatch.Padding.RIGHT);
                Tensor loss2 = CausalLmLoss.ofHidden(m.languageModel(), m.hidden(b2, null), b2.labelTensor(), -100);
                assertEquals(ex.get("adamw.step2.loss").item(), loss2.item(), 1e-4 * Math.abs(ex.get("adamw.step2.loss").item()), "loss after step 1");
                loss2.backward();
            }
            adamStep(params, state, 2);
            for (String name : new String[]{"multi_modal_projector.linear_1.weight", "multi_modal_projector.linear_2.bias",
                    "language_model.model.layers.0.self_attn.q_proj.weight"}) {
                assertAdam(ex.get("adamw.step2." + name), params.get(name).value(), ex.get("grad." + name), "step 2 " + name);
            }
        }
    }

    /**
     * The fixture's AdamW tolerance: 1e-6 absolute where |grad| >= 1e-5; where the gradient is comparable to eps the
     * first step lr * g / (|g| + eps) is ill-conditioned, and up to 2 * lr is allowed.
     */
    private static void assertAdam(Tensor expected, Tensor actual, Tensor grad, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double[] g = grad.toDoubleArray();
        int wellConditioned = 0;
        for (int i = 0; i < e.length; i++) {
            double tol = Math.abs(g[i]) >= 1e-5 ? 1e-6 : 2e-3;
            wellConditioned += tol == 1e-6 ? 1 : 0;
            if (!(Math.abs(e[i] - a[i]) <= tol)) {
                throw new AssertionError(what + " element " + i + ": " + a[i] + " vs " + e[i] + " (|grad| " + Math.abs(g[i]) + ")");
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(wellConditioned > e.length / 2, what + ": most elements are checked at 1e-6");
    }

    private static void adamStep(Map<String, Parameter> params, Map<String, Tensor[]> state, long step) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Tensor p = e.getValue().value();
                if (p.grad() == null) {
                    continue;
                }
                Tensor[] mv = state.computeIfAbsent(e.getKey(), k -> new Tensor[]{Tensor.zeros(p.shape()), Tensor.zeros(p.shape())});
                p.backend().adamw(p, p.grad(), mv[0], mv[1], 1e-3, 0.9, 0.999, 1e-8, 0.0, step);
            }
        }
    }

    /** Compares the listed rows of a dense gradient with the fixture's rows/values pair. */
    private static void checkRows(Map<String, Tensor> ex, String key, Tensor grad, double rel) {
        long[] rows = ex.get(key + ".rows").toLongArray();
        Tensor values = ex.get(key + ".values");
        Tensor picked = dev.llava4j.tensor.ops.Indexing.indexSelect(grad, 0, Tensor.ofLongs(rows));
        TensorAssert.assertGradClose(values, picked, rel, key);
    }

    /** Unpadded rows of a [B, L] id tensor using the attention mask. */
    private static long[][] rows(Tensor t, Tensor mask) {
        int b = t.size(0);
        int l = t.size(1);
        long[] v = t.toLongArray();
        long[] mk = mask.toLongArray();
        long[][] out = new long[b][];
        for (int s = 0; s < b; s++) {
            int n = 0;
            while (n < l && mk[s * l + n] != 0) {
                n++;
            }
            out[s] = Arrays.copyOfRange(v, s * l, s * l + n);
        }
        return out;
    }
}
