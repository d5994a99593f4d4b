package dev.llava4j.llava.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A LLaVA model's configuration, read from either a llava-hf {@code LlavaConfig} (text_config / vision_config) or an
 * original {@code liuhaotian/llava-v1.5-*} config (LLaMA fields at the top level plus mm_* fields). Omitted fields
 * take transformers' defaults, as real checkpoints omit them.
 */
public record LlavaConfig(TextConfig text, VisionConfig vision, String projectorType, String projectorAct,
                          int visionFeatureLayer, String selectStrategy, int imageTokenIndex, int ignoreIndex,
                          int padTokenId, String imageAspectRatio, Layout layout) {

    /** The two checkpoint families. */
    public enum Layout {
        /** llava-hf: image token is a real vocabulary id (e.g. 32000), expanded to all patch positions. */
        HF,
        /** haotian-liu/LLaVA: placeholder -200 in the token ids, image rows spliced in. */
        ORIGINAL
    }

    /** The placeholder id the original code uses for {@code <image>}. */
    public static final int ORIGINAL_IMAGE_TOKEN = -200;

    /** Image positions per image (CLS dropped with the default strategy). */
    public int imageTokens() {
        return vision.numPatches() + (selectStrategy.equals("full") ? 1 : 0);
    }

    public static LlavaConfig load(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new IOException(configJson + ": config.json not found");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new IOException(configJson + ": invalid JSON: " + e.getMessage(), e);
        }
        return fromJson(root, configJson.toString(), null);
    }

    /**
     * @param towerConfig for original checkpoints, the CLIP tower's config.json (CLIPConfig or CLIPVisionConfig); null
     *                    means CLIP ViT-L/14-336, the tower LLaVA-1.5 names.
     */
    public static LlavaConfig fromJson(JsonNode root, String source, JsonNode towerConfig) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": config must be a JSON object");
        }
        Json j = new Json(root, source);
        boolean original = root.has("mm_vision_tower") || root.has("mm_projector_type") || root.has("mm_hidden_size")
                || j.string("model_type", "").equals("llava_llama");
        if (original) {
            TextConfig text = TextConfig.fromJson(root, source);
            VisionConfig vision = towerConfig == null ? VisionConfig.CLIP_VIT_L14_336
                    : VisionConfig.fromJson(towerConfig.has("vision_config") ? towerConfig.get("vision_config") : towerConfig,
                    source + " (vision tower config)");
            int mmHidden = j.integer("mm_hidden_size", vision.hiddenSize());
            if (mmHidden != vision.hiddenSize()) {
                throw new IllegalArgumentException(source + ": mm_hidden_size " + mmHidden + " differs from the vision tower's hidden size " + vision.hiddenSize());
            }
            String projector = j.string("mm_projector_type", "linear");
            String feature = j.string("mm_vision_select_feature", "patch");
            String strategy = switch (feature) {
                case "patch" -> "default";
                case "cls_patch" -> "full";
                default -> throw new IllegalArgumentException(source + ": unsupported mm_vision_select_feature '" + feature + "'");
            };
            return new LlavaConfig(text, vision, checkProjector(projector, source), "gelu",
                    j.integer("mm_vision_select_layer", -2), strategy, ORIGINAL_IMAGE_TOKEN, -100,
                    j.integer("pad_token_id", 0), j.string("image_aspect_ratio", "pad"), Layout.ORIGINAL);
        }
        TextConfig text = TextConfig.fromJson(root.get("text_config"), source + " text_config");
        VisionConfig vision = root.has("vision_config")
                ? VisionConfig.fromJson(root.get("vision_config"), source + " vision_config")
                : VisionConfig.CLIP_VIT_L14_336;
        String strategy = j.string("vision_feature_select_strategy", "default");
        if (!strategy.equals("default") && !strategy.equals("full")) {
            throw new IllegalArgumentException(source + ": vision_feature_select_strategy must be default or full, got " + strategy);
        }
        String act = j.string("projector_hidden_act", "gelu");
        String projector = checkProjector(j.string("projector_type", "mlp2x_gelu"), source);
        return new LlavaConfig(text, vision, projector, act, j.integer("vision_feature_layer", -2), strategy,
                j.integer("image_token_index", 32000), j.integer("ignore_index", -100),
                j.integer("pad_token_id", -1), j.string("image_aspect_ratio", "pad"), Layout.HF);
    }

    /**
     * A llava-hf config for a model assembled from a CLIP vision config and a LLaMA config (training from
     * components); image_token_index is the first id after the vocabulary (as llava-hf adds {@code <image>}).
     */
    public static LlavaConfig fromComponents(JsonNode llamaConfig, JsonNode clipConfig, String source) {
        TextConfig text = TextConfig.fromJson(llamaConfig, source + " (language model config)");
        VisionConfig vision = clipConfig == null ? VisionConfig.CLIP_VIT_L14_336
                : VisionConfig.fromJson(clipConfig.has("vision_config") ? clipConfig.get("vision_config") : clipConfig,
                source + " (vision tower config)");
        return new LlavaConfig(text, vision, "mlp2x_gelu", "gelu", -2, "default", text.vocabSize(), -100,
                0, "pad", Layout.HF);
    }

    /** This configuration as a llava-hf config.json (every field written, so no defaults are needed to read it). */
    public com.fasterxml.jackson.databind.node.ObjectNode toHfJson() {
        var om = new ObjectMapper();
        var root = om.createObjectNode();
        root.putArray("architectures").add("LlavaForConditionalGeneration");
        root.put("model_type", "llava");
        root.put("ignore_index", ignoreIndex);
        root.put("image_token_index", imageTokenIndex == ORIGINAL_IMAGE_TOKEN ? text.vocabSize() : imageTokenIndex);
        root.put("pad_token_id", padTokenId);
        root.put("projector_hidden_act", projectorAct);
        root.put("vision_feature_layer", visionFeatureLayer);
        root.put("vision_feature_select_strategy", selectStrategy);
        root.put("image_aspect_ratio", imageAspectRatio);
        if (!projectorType.equals("mlp2x_gelu")) {
            root.put("projector_type", projectorType); // a llava4j extension: llava-hf only knows the 2-layer MLP
        }
        var t = root.putObject("text_config");
        t.put("model_type", "llama");
        t.put("hidden_size", text.hiddenSize());
        t.put("intermediate_size", text.intermediateSize());
        t.put("num_hidden_layers", text.numLayers());
        t.put("num_attention_heads", text.numHeads());
        t.put("num_key_value_heads", text.numKvHeads());
        t.put("vocab_size", text.vocabSize());
        t.put("rms_norm_eps", text.rmsNormEps());
        t.put("rope_theta", text.ropeTheta());
        t.put("max_position_embeddings", text.maxPositions());
        t.put("hidden_act", text.hiddenAct());
        t.put("tie_word_embeddings", text.tieWordEmbeddings());
        t.put("attention_bias", text.attentionBias());
        var v = root.putObject("vision_config");
        v.put("model_type", "clip_vision_model");
        v.put("hidden_size", vision.hiddenSize());
        v.put("intermediate_size", vision.intermediateSize());
        v.put("num_hidden_layers", vision.numLayers());
        v.put("num_attention_heads", vision.numHeads());
        v.put("image_size", vision.imageSize());
        v.put("patch_size", vision.patchSize());
        v.put("num_channels", vision.numChannels());
        v.put("layer_norm_eps", vision.layerNormEps());
        v.put("hidden_act", vision.hiddenAct());
        return root;
    }

    private static String checkProjector(String type, String source) {
        if (type.equals("linear") || type.matches("mlp\\d+x_gelu")) {
            return type;
        }
        throw new IllegalArgumentException(source + ": unsupported mm_projector_type '" + type + "' (linear or mlpNx_gelu)");
    }

    /** Number of hidden states to compute in the tower: the selected index (0 = embeddings after pre_layrnorm). */
    public int visionLayersToRun() {
        int n = vision.numLayers();
        int idx = visionFeatureLayer < 0 ? n + 1 + visionFeatureLayer : visionFeatureLayer;
        if (idx < 0 || idx > n) {
            throw new IllegalArgumentException("vision_feature_layer " + visionFeatureLayer + " out of range for " + n + " layers");
        }
        return idx;
    }
}
