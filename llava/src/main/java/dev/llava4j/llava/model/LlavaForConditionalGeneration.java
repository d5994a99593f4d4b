package dev.llava4j.llava.model;

import dev.llava4j.nn.Init;
import dev.llava4j.nn.KvCache;
import dev.llava4j.nn.Module;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;

/**
 * LLaVA = CLIP vision tower + multimodal projector + LLaMA, with llava-hf's parameter names:
 * {@code vision_tower.vision_model.*}, {@code multi_modal_projector.linear_N.*}, {@code language_model.model.*},
 * {@code language_model.lm_head.weight}.
 */
public final class LlavaForConditionalGeneration extends Module {
    private final LlavaConfig config;
    private final ClipVisionModel visionTower;
    private final MultimodalProjector projector;
    private final LlamaForCausalLM languageModel;

    public LlavaForConditionalGeneration(LlavaConfig config, Init init) {
        this.config = config;
        this.visionTower = child("vision_tower", new ClipVisionModel(config.vision(), init));
        this.projector = child("multi_modal_projector", new MultimodalProjector(config.projectorType(),
                config.projectorAct(), config.vision().hiddenSize(), config.text().hiddenSize(), init));
        this.languageModel = child("language_model", new LlamaForCausalLM(config.text(), init));
    }

    public LlavaConfig config() {
        return config;
    }

    public LlamaForCausalLM languageModel() {
        return languageModel;
    }

    public MultimodalProjector projector() {
        return projector;
    }

    public ClipVisionModel visionTower() {
        return visionTower;
    }

    /** The selected vision layer [N, P, Dv] after the select strategy (CLS dropped for "default"). */
    public Tensor selectedVisionFeatures(Tensor pixelValues) {
        // pixels come from the host image pipeline; move them to the tower's device
        Tensor px = pixelValues.to(visionTower.device());
        Tensor h = visionTower.hiddenState(px.dtype() == DType.F32 ? px : px.to(DType.F32), config.visionLayersToRun());
        return config.selectStrategy().equals("default") ? h.narrow(1, 1, h.size(1) - 1) : h;
    }

    /** Projected image features [N, P, H]: what replaces the image tokens. */
    public Tensor imageFeatures(Tensor pixelValues) {
        return projector.forward(selectedVisionFeatures(pixelValues));
    }

    /** Embeds a merged batch and runs the decoder: hidden states [B, T, H] after the final norm. */
    public Tensor hidden(MergedBatch batch, KvCache cache) {
        return languageModel.hidden(batch.embeddings(), batch.positions(), batch.additiveMask(), cache);
    }

    /** Logits for every position of a merged batch: [B, T, V]. */
    public Tensor logits(MergedBatch batch) {
        return languageModel.logits(hidden(batch, null));
    }
}
