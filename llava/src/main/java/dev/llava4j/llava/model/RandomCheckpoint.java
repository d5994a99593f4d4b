package dev.llava4j.llava.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.nn.Init;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Elements;
import dev.llava4j.tensor.FloatFormats;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.safetensors.SafetensorsWriter;
import dev.llava4j.tensor.safetensors.WriteEntry;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a random-weight LLaVA checkpoint of a real shape (7B, 13B or any config) in the llava-hf layout: sharded
 * safetensors + index, config.json, preprocessor_config.json and, when given, tokenizer files. Weights are uniform with
 * standard deviation 0.02, norm weights 1, biases 0. Shards are generated one at a time, so memory stays bounded by
 * one shard whatever the model size.
 */
public final class RandomCheckpoint {
    private static final long SHARD_BYTES = 4_000_000_000L;

    private RandomCheckpoint() {
    }

    /** llava-hf's llava-1.5-7b-hf / -13b-hf config.json contents (fields transformers writes; defaults omitted). */
    public static ObjectNode presetConfig(String name) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.putArray("architectures").add("LlavaForConditionalGeneration");
        root.put("ignore_index", -100);
        root.put("image_token_index", 32000);
        root.put("model_type", "llava");
        root.put("pad_token_id", 32001);
        root.put("projector_hidden_act", "gelu");
        ObjectNode text = root.putObject("text_config");
        text.put("model_type", "llama");
        text.put("max_position_embeddings", 4096);
        text.put("rms_norm_eps", 1e-5);
        text.put("vocab_size", 32064);
        switch (name) {
            case "7b" -> {
            }
            case "13b" -> {
                text.put("hidden_size", 5120);
                text.put("intermediate_size", 13824);
                text.put("num_attention_heads", 40);
                text.put("num_hidden_layers", 40);
                text.put("num_key_value_heads", 40);
            }
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (7b, 13b, or a config.json path)");
        }
        ObjectNode vision = root.putObject("vision_config");
        vision.put("hidden_size", 1024);
        vision.put("image_size", 336);
        vision.put("intermediate_size", 4096);
        vision.put("model_type", "clip_vision_model");
        vision.put("num_attention_heads", 16);
        vision.put("num_hidden_layers", 24);
        vision.put("patch_size", 14);
        vision.put("projection_dim", 768);
        root.put("vision_feature_layer", -2);
        root.put("vision_feature_select_strategy", "default");
        return root;
    }

    /**
     * @param tokenizerDir folder whose tokenizer files are copied (or null)
     */
    public static void write(ObjectNode configJson, DType dtype, Path out, long seed, Path tokenizerDir) throws IOException {
        LlavaConfig config = LlavaConfig.fromJson(configJson, "config", null);
        if (config.layout() != LlavaConfig.Layout.HF) {
            throw new IllegalArgumentException("random checkpoints are written in the llava-hf layout; give a LlavaConfig");
        }
        Files.createDirectories(out);
        // shapes only: the module tree gives every name and shape without allocating
        Map<String, Tensor> shapes = new LlavaForConditionalGeneration(config, Init.meta(dtype)).stateDict();
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Tensor> e : shapes.entrySet()) {
            long size = (long) e.getValue().numel() * dtype.byteSize();
            if (!current.isEmpty() && bytes + size > SHARD_BYTES) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(e.getKey());
            bytes += size;
        }
        shards.add(current);
        ObjectMapper om = new ObjectMapper();
        ObjectNode index = om.createObjectNode();
        ObjectNode weightMap = om.createObjectNode();
        long total = 0;
        for (int s = 0; s < shards.size(); s++) {
            String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
            try (TensorScope scope = TensorScope.open()) {
                List<WriteEntry> entries = new ArrayList<>();
                for (String name : shards.get(s)) {
                    int[] shape = shapes.get(name).shape();
                    Tensor t = Tensor.empty(dtype, shape);
                    fill(t, name, seed);
                    long[] ls = new long[shape.length];
                    for (int i = 0; i < shape.length; i++) {
                        ls[i] = shape[i];
                    }
                    entries.add(new WriteEntry(name, dtype, ls, t.segment()));
                    weightMap.put(name, file);
                    total += t.segment().byteSize();
                }
                SafetensorsWriter.write(out.resolve(file), Map.of("format", "pt"), entries);
            }
        }
        index.putObject("metadata").put("total_size", total);
        index.set("weight_map", weightMap);
        om.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("model.safetensors.index.json").toFile(), index);
        configJson.put("torch_dtype", dtype == DType.BF16 ? "bfloat16" : dtype == DType.F16 ? "float16" : "float32");
        om.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("config.json").toFile(), configJson);
        writePreprocessorConfig(out.resolve("preprocessor_config.json"), config.vision().imageSize());
        if (tokenizerDir != null) {
            for (String f : List.of("tokenizer_config.json", "special_tokens_map.json")) {
                if (Files.isRegularFile(tokenizerDir.resolve(f))) {
                    Files.copy(tokenizerDir.resolve(f), out.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            writeTokenizerModel(tokenizerDir, out, config);
            // llava-hf's two added tokens, so that "<image>" in a prompt becomes the image token
            dev.llava4j.llava.tokenizer.AddedTokensJson.write(tokenizerDir, out,
                    Map.of("<image>", config.imageTokenIndex(), "<pad>", config.padTokenId()));
        }
    }

    /**
     * The tokenizer's pieces must fit below the config's image and pad ids (and its vocabulary): a smaller vocabulary
     * than the tokenizer's gets a tokenizer.model cut to its first pieces, and tokenizer.json is then left out (the
     * loader reads tokenizer.model). Otherwise both files are copied.
     */
    private static void writeTokenizerModel(Path tokenizerDir, Path out, LlavaConfig config) throws IOException {
        Path model = tokenizerDir.resolve("tokenizer.model");
        int limit = config.text().vocabSize();
        for (int id : new int[]{config.imageTokenIndex(), config.padTokenId()}) {
            if (id >= 0) {
                limit = Math.min(limit, id);
            }
        }
        if (Files.isRegularFile(model)) {
            byte[] bytes = Files.readAllBytes(model);
            byte[] kept = dev.llava4j.llava.tokenizer.SentencePieceTrim.firstPieces(bytes, limit);
            Files.write(out.resolve("tokenizer.model"), kept);
            if (kept.length != bytes.length) {
                return;
            }
        }
        if (Files.isRegularFile(tokenizerDir.resolve("tokenizer.json"))) {
            Files.copy(tokenizerDir.resolve("tokenizer.json"), out.resolve("tokenizer.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Norm weights 1, biases 0, everything else uniform(-a, a) with a = 0.02 * sqrt(3) (std 0.02). */
    private static void fill(Tensor t, String name, long seed) {
        MemorySegment seg = t.segment();
        long n = t.numel();
        boolean norm = name.contains("norm") && name.endsWith(".weight");
        boolean bias = name.endsWith(".bias");
        if (bias) {
            seg.fill((byte) 0);
            return;
        }
        if (norm) {
            for (long i = 0; i < n; i++) {
                Elements.set(seg, t.dtype(), i, 1.0);
            }
            return;
        }
        float a = (float) (0.02 * Math.sqrt(3));
        long state = seed ^ name.hashCode() * 0x9E3779B97F4A7C15L;
        ValueLayout.OfShort sh = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i += 4) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            for (int k = 0; k < 4 && i + k < n; k++) {
                float u = ((z >>> (16 * k)) & 0xffff) / 65536f * 2f - 1f;
                float v = u * a;
                if (t.dtype() == DType.BF16) {
                    seg.setAtIndex(sh, i + k, FloatFormats.floatToBf16(v));
                } else {
                    Elements.set(seg, t.dtype(), i + k, v);
                }
            }
        }
    }

    private static void writePreprocessorConfig(Path file, int size) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode p = om.createObjectNode();
        p.putObject("crop_size").put("height", size).put("width", size);
        p.put("do_center_crop", true);
        p.put("do_convert_rgb", true);
        p.put("do_normalize", true);
        p.put("do_rescale", true);
        p.put("do_resize", true);
        p.putArray("image_mean").add(0.48145466).add(0.4578275).add(0.40821073);
        p.put("image_processor_type", "CLIPImageProcessor");
        p.putArray("image_std").add(0.26862954).add(0.26130258).add(0.27577711);
        p.put("resample", 3);
        p.put("rescale_factor", 0.00392156862745098);
        p.putObject("size").put("shortest_edge", size);
        om.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), p);
    }

}
