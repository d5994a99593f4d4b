package dev.llava4j.nn.lora;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.Module;
import dev.llava4j.nn.StateDictException;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.ops.Elementwise;
import dev.llava4j.tensor.safetensors.SafetensorsCheckpoint;
import dev.llava4j.tensor.safetensors.TensorEntry;
import dev.llava4j.tensor.safetensors.TensorFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The PEFT adapter folder: {@code adapter_model.safetensors} with keys {@code base_model.model.<path>.lora_A.weight}
 * and {@code .lora_B.weight} (the module path in the base model, no adapter name), and {@code adapter_config.json}
 * (peft_type LORA, r, lora_alpha, lora_dropout, target_modules, bias "none", task_type CAUSAL_LM).
 */
final class PeftAdapter {
    static final String WEIGHTS = "adapter_model.safetensors";
    static final String CONFIG = "adapter_config.json";
    static final String PREFIX = "base_model.model.";
    static final String A_SUFFIX = ".lora_A.weight";
    static final String B_SUFFIX = ".lora_B.weight";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PeftAdapter() {
    }

    static void save(Path dir, Module root, String baseModelNameOrPath) throws IOException {
        Map<String, LoraLinear> layers = Lora.layers(root);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(root.getClass().getSimpleName() + " has no LoRA layers to save");
        }
        LoraConfig config = layers.values().iterator().next().config();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TreeSet<String> targetNames = new TreeSet<>();
        for (Map.Entry<String, LoraLinear> e : layers.entrySet()) {
            if (!e.getValue().config().equals(config)) {
                throw new IllegalArgumentException("LoRA layer '" + e.getKey() + "' has " + e.getValue().config()
                        + " but others have " + config + "; one adapter_config.json cannot describe both");
            }
            tensors.put(PREFIX + e.getKey() + A_SUFFIX, e.getValue().loraA().value());
            tensors.put(PREFIX + e.getKey() + B_SUFFIX, e.getValue().loraB().value());
            targetNames.add(e.getKey().substring(e.getKey().lastIndexOf('.') + 1));
        }
        Files.createDirectories(dir);
        TensorFiles.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(configJson(config, targetNames, baseModelNameOrPath)));
    }

    private static ObjectNode configJson(LoraConfig config, TreeSet<String> targetNames, String baseModel) {
        ObjectNode o = JSON.createObjectNode();
        o.put("peft_type", "LORA");
        o.put("task_type", "CAUSAL_LM");
        o.put("base_model_name_or_path", baseModel);
        o.put("r", config.r());
        if (config.alpha() == Math.rint(config.alpha())) {
            o.put("lora_alpha", (long) config.alpha()); // PEFT configs write integral alphas as ints
        } else {
            o.put("lora_alpha", config.alpha());
        }
        o.put("lora_dropout", config.dropout());
        ArrayNode targets = o.putArray("target_modules");
        targetNames.forEach(targets::add);
        o.put("bias", "none");
        o.put("fan_in_fan_out", false);
        o.put("use_rslora", false);
        o.put("init_lora_weights", true);
        o.put("inference_mode", true);
        o.putNull("modules_to_save");
        return o;
    }

    static List<String> load(Path dir, Module root, Generator generator) throws IOException {
        LoraConfig config = readConfig(dir.resolve(CONFIG));
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.exists(weights)) {
            throw new IOException(dir + ": no " + WEIGHTS + (Files.exists(dir.resolve("adapter_model.bin"))
                    ? " (only adapter_model.bin, a pickle, which llava4j does not read; convert it to safetensors)" : ""));
        }
        Map<String, Module> modules = root.namedModules();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Map<String, Tensor[]> byPath = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(weights)) {
            for (TensorEntry e : ckpt.entries()) {
                String key = e.name();
                present.add(key);
                boolean isA = key.endsWith(A_SUFFIX);
                boolean isB = key.endsWith(B_SUFFIX);
                String path = key.startsWith(PREFIX) && (isA || isB)
                        ? key.substring(PREFIX.length(), key.length() - A_SUFFIX.length()) : null;
                Module m = path == null ? null : modules.get(path);
                if (!(m instanceof Linear linear)) {
                    unexpected.add(key);
                    continue;
                }
                LoraConfig have = m instanceof LoraLinear l ? l.config() : config;
                if (!have.equals(config)) {
                    mismatched.add(key + ": the model's layer has " + have + " but " + CONFIG + " says " + config
                            + " (in " + dir + ")");
                    continue;
                }
                int[] want = isA ? new int[]{config.r(), linear.inFeatures()} : new int[]{linear.outFeatures(), config.r()};
                Tensor view = TensorFiles.view(ckpt, key);
                if (!Arrays.equals(view.shape(), want) || !e.dtype().isFloating()) {
                    mismatched.add(key + ": file has " + e.dtype() + " " + Shape.toString(view.shape()) + " but the model"
                            + " expects a floating " + Shape.toString(want) + " (in " + weights + ")");
                    continue;
                }
                Tensor owned = TensorScope.outside(() -> Elementwise.copy(view, DType.F32));
                byPath.computeIfAbsent(path, p -> new Tensor[2])[isA ? 0 : 1] = owned;
            }
        }
        // every adapter named in the file or already in the model needs both matrices (a rejected one is reported above)
        Set<String> paths = new LinkedHashSet<>(byPath.keySet());
        paths.addAll(Lora.layers(root).keySet());
        for (String path : paths) {
            for (String key : List.of(PREFIX + path + A_SUFFIX, PREFIX + path + B_SUFFIX)) {
                if (!present.contains(key)) {
                    missing.add(key);
                }
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            byPath.values().forEach(ts -> Arrays.stream(ts).filter(t -> t != null).forEach(Tensor::release));
            throw new StateDictException(missing, unexpected, mismatched);
        }
        for (Map.Entry<String, Tensor[]> e : byPath.entrySet()) {
            Module m = root.module(e.getKey());
            LoraLinear lora = m instanceof LoraLinear l ? l : new LoraLinear((Linear) m, config, generator);
            if (lora != m) {
                root.replaceModule(e.getKey(), lora);
            }
            lora.loraA().set(e.getValue()[0]);
            lora.loraB().set(e.getValue()[1]);
        }
        return new ArrayList<>(byPath.keySet());
    }

    /** Reads adapter_config.json, refusing the PEFT options this implementation does not reproduce. */
    static LoraConfig readConfig(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + ": adapter config not found");
        }
        JsonNode o;
        try {
            o = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException ex) {
            throw new IOException(file + ": not valid JSON: " + ex.getOriginalMessage(), ex);
        }
        String type = o.path("peft_type").asText("LORA");
        if (!type.equals("LORA")) {
            throw new IllegalArgumentException(file + ": peft_type is '" + type + "', only LORA is supported");
        }
        if (!o.path("r").isIntegralNumber()) {
            throw new IllegalArgumentException(file + ": field 'r' must be an integer, got " + o.get("r"));
        }
        if (!o.path("lora_alpha").isNumber()) {
            throw new IllegalArgumentException(file + ": field 'lora_alpha' must be a number, got " + o.get("lora_alpha"));
        }
        if (o.path("use_rslora").asBoolean(false) || o.path("fan_in_fan_out").asBoolean(false)) {
            throw new IllegalArgumentException(file + ": use_rslora and fan_in_fan_out are not supported");
        }
        if (!o.path("bias").asText("none").equals("none")) {
            throw new IllegalArgumentException(file + ": bias '" + o.path("bias").asText() + "' is not supported (only \"none\")");
        }
        for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
            if (o.has(pattern) && !o.get(pattern).isNull() && !o.get(pattern).isEmpty()) {
                throw new IllegalArgumentException(file + ": per-layer " + pattern + " is not supported");
            }
        }
        JsonNode dropout = o.path("lora_dropout");
        if (!dropout.isMissingNode() && !dropout.isNumber()) {
            throw new IllegalArgumentException(file + ": field 'lora_dropout' must be a number, got " + dropout);
        }
        try {
            return new LoraConfig(o.get("r").asInt(), o.get("lora_alpha").asDouble(), dropout.asDouble(0));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(file + ": " + ex.getMessage(), ex);
        }
    }
}
