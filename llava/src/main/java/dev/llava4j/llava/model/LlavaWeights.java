package dev.llava4j.llava.model;

import dev.llava4j.nn.Init;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.SafetensorsCheckpoint;
import dev.llava4j.tensor.safetensors.TensorEntry;
import dev.llava4j.tensor.safetensors.TensorFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link LlavaForConditionalGeneration} from a checkpoint folder: config, then the weights memory-mapped and
 * used in place (no copy) unless a dtype conversion is requested. The returned handle keeps the files mapped.
 */
public final class LlavaWeights implements AutoCloseable {
    private final LlavaForConditionalGeneration model;
    private final List<SafetensorsCheckpoint> files;

    private LlavaWeights(LlavaForConditionalGeneration model, List<SafetensorsCheckpoint> files) {
        this.model = model;
        this.files = files;
    }

    public LlavaForConditionalGeneration model() {
        return model;
    }

    /**
     * @param dir         checkpoint folder (config.json + safetensors)
     * @param visionTower separate CLIP folder for original checkpoints, or null
     * @param dtype       convert every weight to this dtype (copy), or null to keep the stored dtypes (zero copy)
     */
    public static LlavaWeights load(Path dir, Path visionTower, DType dtype) throws IOException {
        return load(dir, visionTower, dtype, false);
    }

    /**
     * @param copy copy every weight into owned memory (training updates weights in place; mapped files are read-only)
     */
    public static LlavaWeights load(Path dir, Path visionTower, DType dtype, boolean copy) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IOException(dir + ": no config.json (is this a LLaVA checkpoint folder?)");
        }
        com.fasterxml.jackson.databind.JsonNode towerConfig = null;
        if (visionTower != null) {
            Path tc = visionTower.resolve("config.json");
            if (Files.isRegularFile(tc)) {
                towerConfig = om.readTree(tc.toFile());
            }
        }
        LlavaConfig config = LlavaConfig.fromJson(om.readTree(configFile.toFile()), configFile.toString(), towerConfig);
        List<SafetensorsCheckpoint> files = new ArrayList<>();
        try {
            files.add(SafetensorsCheckpoint.open(dir));
            if (visionTower != null) {
                files.add(SafetensorsCheckpoint.open(visionTower));
            }
            LlavaForConditionalGeneration model = new LlavaForConditionalGeneration(config, Init.meta(DType.F32));
            Map<String, Tensor> state = new LinkedHashMap<>();
            Map<String, String> source = new HashMap<>();
            for (SafetensorsCheckpoint ckpt : files) {
                boolean newLayout = ckpt.entries().stream().anyMatch(e -> e.name().startsWith("model.language_model."));
                for (TensorEntry e : ckpt.entries()) {
                    var name = CheckpointKeys.canonical(e.name(), config.layout(), newLayout);
                    if (name.isEmpty()) {
                        continue;
                    }
                    Tensor t = TensorFiles.view(ckpt, e.name());
                    if (dtype != null && t.dtype() != dtype && t.dtype().isFloating()) {
                        t = t.to(dtype);
                    } else if (copy) {
                        t = t.copy();
                    }
                    if (state.put(name.get(), t) != null) {
                        throw new IOException("tensor " + name.get() + " appears twice (" + e.file() + " and " + source.get(name.get()) + ")");
                    }
                    source.put(name.get(), e.file().toString());
                }
            }
            if (config.layout() == LlavaConfig.Layout.ORIGINAL && visionTower == null
                    && state.keySet().stream().noneMatch(k -> k.startsWith("vision_tower."))) {
                throw new IOException(dir + ": this original LLaVA checkpoint has no vision tower; pass its CLIP folder "
                        + "(openai/clip-vit-large-patch14-336) with --vision-tower DIR");
            }
            model.loadStateDict(state, true, source::get);
            return new LlavaWeights(model, files);
        } catch (IOException | RuntimeException e) {
            for (SafetensorsCheckpoint f : files) {
                f.close();
            }
            throw e;
        }
    }

    /** Unmaps the checkpoint files (the model's mapped weights become unusable). */
    @Override
    public void close() {
        for (SafetensorsCheckpoint f : files) {
            f.close();
        }
    }

}
