package dev.llava4j.llava.model;

import com.fasterxml.jackson.databind.JsonNode;

/** The CLIP vision tower's shape, with transformers' CLIPVisionConfig defaults for omitted fields. */
public record VisionConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int imageSize,
                           int patchSize, int numChannels, double layerNormEps, String hiddenAct) {

    /** CLIP ViT-L/14 at 336 px, the tower of LLaVA-1.5 (used when a config names no vision config). */
    public static final VisionConfig CLIP_VIT_L14_336 = new VisionConfig(1024, 4096, 24, 16, 336, 14, 3, 1e-5, "quick_gelu");

    public int gridSize() {
        return imageSize / patchSize;
    }

    public int numPatches() {
        return gridSize() * gridSize();
    }

    static VisionConfig fromJson(JsonNode n, String source) {
        Json j = new Json(n, source);
        VisionConfig c = new VisionConfig(
                j.integer("hidden_size", 768),
                j.integer("intermediate_size", 3072),
                j.integer("num_hidden_layers", 12),
                j.integer("num_attention_heads", 12),
                j.integer("image_size", 224),
                j.integer("patch_size", 32),
                j.integer("num_channels", 3),
                j.number("layer_norm_eps", 1e-5),
                j.string("hidden_act", "quick_gelu"));
        if (c.hiddenSize % c.numHeads != 0 || c.imageSize % c.patchSize != 0 || c.numLayers < 1) {
            throw new IllegalArgumentException(source + ": inconsistent vision config " + c);
        }
        return c;
    }
}
