package dev.llava4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.llava.model.RandomCheckpoint;
import dev.llava4j.tensor.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny random LLaVA checkpoint (llava-hf layout, the bundled LLaMA tokenizer with <image>/<pad>) for CLI tests. */
final class TinyCheckpoint {
    private static final String CONFIG = """
            {"architectures": ["LlavaForConditionalGeneration"], "ignore_index": -100, "image_token_index": 32000,
             "model_type": "llava", "pad_token_id": 32001, "projector_hidden_act": "gelu",
             "text_config": {"hidden_size": 16, "intermediate_size": 32, "max_position_embeddings": 256,
               "model_type": "llama", "num_attention_heads": 2, "num_hidden_layers": 1, "num_key_value_heads": 2,
               "rms_norm_eps": 1e-05, "vocab_size": 32064},
             "vision_config": {"hidden_size": 8, "image_size": 28, "intermediate_size": 16, "model_type": "clip_vision_model",
               "num_attention_heads": 2, "num_hidden_layers": 2, "patch_size": 14, "projection_dim": 8},
             "vision_feature_layer": -2, "vision_feature_select_strategy": "default"}
            """;

    private TinyCheckpoint() {
    }

    /** Writes the checkpoint to {@code dir} (F32, seed 7) and returns it. */
    static Path write(Path dir) throws IOException {
        Path tokenizer = BundledTokenizer.extract();
        // the bundled tokenizer is plain LLaMA; llava-hf checkpoints add <image> and <pad>
        Files.writeString(tokenizer.resolve("added_tokens.json"), "{\"<image>\": 32000, \"<pad>\": 32001}");
        RandomCheckpoint.write((ObjectNode) new ObjectMapper().readTree(CONFIG), DType.F32, dir, 7, tokenizer);
        return dir;
    }

    /**
     * The same model with a vocabulary of {@code vocabSize} ids, the last one the image token and no pad token (as
     * bench/bench-config.json), from the plain LLaMA tokenizer.
     */
    static Path writeWithVocabulary(Path dir, int vocabSize) throws IOException {
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(CONFIG);
        config.put("image_token_index", vocabSize - 1);
        config.remove("pad_token_id");
        ((ObjectNode) config.get("text_config")).put("vocab_size", vocabSize);
        RandomCheckpoint.write(config, DType.F32, dir, 7, BundledTokenizer.extract());
        return dir;
    }
}
