package dev.llava4j.llava.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.llava.model.LlavaConfig;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.model.LlavaWeights;
import dev.llava4j.llava.model.MultimodalProjector;
import dev.llava4j.llava.tokenizer.AddedTokensJson;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.Parameter;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.SafetensorsCheckpoint;
import dev.llava4j.tensor.safetensors.TensorEntry;
import dev.llava4j.tensor.safetensors.TensorFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the model a run trains (weights copied into owned memory, since training writes them) and writes the
 * finished model as a complete llava-hf checkpoint folder.
 */
public final class TrainingModel {
    private TrainingModel() {
    }

    /** From a LLaVA checkpoint folder (e.g. the output of stage 1). */
    public static LlavaForConditionalGeneration fromCheckpoint(Path dir, DType dtype) throws IOException {
        // every weight is copied, so the mapped files can be closed right away
        try (LlavaWeights w = LlavaWeights.load(dir, null, dtype, true)) {
            return w.model();
        }
    }

    /**
     * From a CLIP folder and a LLaMA folder (stage 1 from scratch): both loaded with their Hugging Face names, the
     * projector initialised like PyTorch's Linear (the recipe's "projector random").
     */
    public static LlavaForConditionalGeneration fromComponents(Path visionTower, Path llm, DType dtype, long seed) throws IOException {
        ObjectMapper om = new ObjectMapper();
        JsonNode llmConfig = readJson(llm.resolve("config.json"));
        JsonNode clipConfig = readJson(visionTower.resolve("config.json"));
        LlavaConfig config = LlavaConfig.fromComponents(llmConfig, clipConfig, llm.toString());
        LlavaForConditionalGeneration model = new LlavaForConditionalGeneration(config, Init.meta(DType.F32));
        Map<String, Tensor> state = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        try (SafetensorsCheckpoint tower = SafetensorsCheckpoint.open(visionTower);
             SafetensorsCheckpoint lm = SafetensorsCheckpoint.open(llm)) {
            for (TensorEntry e : tower.entries()) {
                if (e.name().startsWith("vision_model.") && !e.name().endsWith("position_ids")) {
                    put(state, source, "vision_tower." + e.name(), TensorFiles.view(tower, e.name()), dtype, e);
                }
            }
            for (TensorEntry e : lm.entries()) {
                if (e.name().endsWith("rotary_emb.inv_freq")) {
                    continue;
                }
                put(state, source, "language_model." + e.name(), TensorFiles.view(lm, e.name()), dtype, e);
            }
            MultimodalProjector fresh = new MultimodalProjector(config.projectorType(), config.projectorAct(),
                    config.vision().hiddenSize(), config.text().hiddenSize(), Init.pytorchDefault(new Generator(seed)));
            fresh.stateDict().forEach((k, t) -> state.put("multi_modal_projector." + k, dtype == null ? t : t.to(dtype)));
            model.loadStateDict(state, true, source::get);
        }
        return model;
    }

    private static void put(Map<String, Tensor> state, Map<String, String> source, String name, Tensor t, DType dtype,
                            TensorEntry e) {
        state.put(name, dtype != null && dtype != t.dtype() ? t.to(dtype) : t.copy());
        source.put(name, e.file().toString());
    }

    private static JsonNode readJson(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + " not found");
        }
        try {
            return new ObjectMapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new IOException(f + ": invalid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Writes config.json, model.safetensors, the tokenizer files (with {@code <image>} registered as an added token
     * at the model's image token id when the tokenizer lacks it) and preprocessor_config.json into dir.
     */
    public static void saveHfCheckpoint(LlavaForConditionalGeneration model, Path dir, Path tokenizerDir,
                                        Path preprocessorConfig) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            tensors.put(e.getKey(), e.getValue().value().detach());
        }
        TensorFiles.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt", "producer", "llava4j"));
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), model.config().toHfJson());
        if (tokenizerDir != null) {
            for (String f : List.of("tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
                if (Files.isRegularFile(tokenizerDir.resolve(f)) && !tokenizerDir.resolve(f).equals(dir.resolve(f))) {
                    Files.copy(tokenizerDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            AddedTokensJson.write(tokenizerDir, dir, Map.of("<image>", model.config().imageTokenIndex()));
        }
        if (preprocessorConfig != null && Files.isRegularFile(preprocessorConfig)) {
            Files.copy(preprocessorConfig, dir.resolve("preprocessor_config.json"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

}
