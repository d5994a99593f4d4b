package dev.llava4j.llava.model;

import com.fasterxml.jackson.databind.JsonNode;

/** The LLaMA decoder's shape, with transformers' LlamaConfig defaults for omitted fields. */
public record TextConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads,
                         int vocabSize, double rmsNormEps, double ropeTheta, int maxPositions, String hiddenAct,
                         boolean tieWordEmbeddings, boolean attentionBias) {

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Reads a LlamaConfig-shaped object (llava-hf text_config, or the top level of an original LLaVA config). */
    static TextConfig fromJson(JsonNode n, String source) {
        Json j = new Json(n, source);
        int heads = j.integer("num_attention_heads", 32);
        TextConfig c = new TextConfig(
                j.integer("hidden_size", 4096),
                j.integer("intermediate_size", 11008),
                j.integer("num_hidden_layers", 32),
                heads,
                j.integer("num_key_value_heads", heads),
                j.integer("vocab_size", 32000),
                j.number("rms_norm_eps", 1e-6),
                j.number("rope_theta", 10000.0),
                j.integer("max_position_embeddings", 2048),
                j.string("hidden_act", "silu"),
                j.bool("tie_word_embeddings", false),
                j.bool("attention_bias", false));
        if (n != null && n.hasNonNull("rope_scaling")) {
            throw new IllegalArgumentException(source + ": rope_scaling is not supported");
        }
        c.validate(source);
        return c;
    }

    void validate(String source) {
        if (hiddenSize <= 0 || numHeads <= 0 || hiddenSize % numHeads != 0 || numKvHeads <= 0 || numHeads % numKvHeads != 0
                || numLayers < 0 || vocabSize <= 0 || intermediateSize <= 0) {
            throw new IllegalArgumentException(source + ": inconsistent text config " + this);
        }
    }
}
