package dev.llava4j.nn.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.StateDictException;
import dev.llava4j.nn.testutil.ToyDecoder;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.SafetensorsCheckpoint;
import dev.llava4j.tensor.safetensors.TensorEntry;
import dev.llava4j.tensor.safetensors.TensorFiles;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA: wrapping by name, merge/unmerge, PEFT adapter files. */
class LoraTest {
    private static final LoraConfig CONFIG = new LoraConfig(4, 8, 0.0);

    @TempDir
    Path dir;

    /** A toy model with LoRA on q_proj and v_proj, its B matrices randomised so the adapters change the output. */
    private static ToyDecoder loraModel() {
        ToyDecoder model = new ToyDecoder(13, 16, 2, 2, 32, new Generator(21));
        Lora.apply(model, Lora.targetNames("q_proj", "v_proj"), CONFIG, new Generator(22));
        Generator gen = new Generator(23);
        for (LoraLinear l : Lora.layers(model).values()) {
            l.loraB().set(Tensor.randn(gen, l.loraB().value().shape()).mul(0.1));
        }
        return model;
    }

    private static Tensor ids() {
        return Tensor.ofLongs(new long[]{1, 5, 7, 2, 12, 0, 3, 3, 9, 4}, 2, 5);
    }

    private static Tensor forward(ToyDecoder model) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            return model.forward(ids());
        }
    }

    @Test
    void applyWrapsMatchingLinearsAndFreezesTheRest() {
        ToyDecoder model = new ToyDecoder(13, 16, 2, 2, 32, new Generator(21));
        Set<String> before = model.namedParameters().keySet();
        List<String> wrapped = Lora.apply(model, Lora.targetNames("q_proj", "v_proj"), 4, 8, 0.05, new Generator(1));
        assertEquals(List.of("layers.0.self_attn.q_proj", "layers.0.self_attn.v_proj", "layers.1.self_attn.q_proj",
                "layers.1.self_attn.v_proj"), wrapped);
        assertTrue(model.namedParameters().keySet().containsAll(before), "base keys unchanged");
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> {
            if (p.isTrainable()) {
                trainable.put(n, p);
            }
        });
        assertEquals(Set.of("layers.0.self_attn.q_proj.lora_A.weight", "layers.0.self_attn.q_proj.lora_B.weight",
                "layers.0.self_attn.v_proj.lora_A.weight", "layers.0.self_attn.v_proj.lora_B.weight",
                "layers.1.self_attn.q_proj.lora_A.weight", "layers.1.self_attn.q_proj.lora_B.weight",
                "layers.1.self_attn.v_proj.lora_A.weight", "layers.1.self_attn.v_proj.lora_B.weight"), trainable.keySet());
        LoraLinear q = (LoraLinear) model.module("layers.0.self_attn.q_proj");
        assertArrayEquals(new int[]{4, 16}, q.loraA().value().shape());
        assertEquals(List.of("layers.0.mlp.down_proj"), Lora.apply(model, p -> p.endsWith("0.mlp.down_proj"), CONFIG,
                new Generator(2)));
        assertTrue(q.loraA().isTrainable(), "a second apply keeps the first adapters trainable");
        assertEquals(0.0, TensorAssert.maxAbs(q.loraB().value()), "B starts at zero");
        // PEFT's A init: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in))
        double bound = 1 / Math.sqrt(16);
        double maxA = TensorAssert.maxAbs(q.loraA().value());
        assertTrue(maxA <= bound && maxA > 0.5 * bound, "A within the kaiming bound: " + maxA);
    }

    @Test
    void freshAdaptersLeaveTheOutputUnchangedAndMergedEqualsUnmerged() {
        ToyDecoder plain = new ToyDecoder(13, 16, 2, 2, 32, new Generator(21));
        Tensor base = forward(plain);
        Lora.apply(plain, Lora.targetNames("q_proj", "v_proj"), CONFIG, new Generator(22));
        TensorAssert.assertClose(base, forward(plain), 0, "B = 0: identical output");

        ToyDecoder model = loraModel();
        Tensor unmerged = forward(model);
        assertTrue(TensorAssert.maxAbsDiff(base, unmerged) > 1e-3, "the randomised adapters matter");
        Lora.merge(model);
        assertTrue(Lora.layers(model).values().stream().allMatch(LoraLinear::isMerged));
        TensorAssert.assertCloseScaled(unmerged, forward(model), 1e-5, "merged forward == unmerged forward");
        Lora.unmerge(model);
        TensorAssert.assertCloseScaled(unmerged, forward(model), 1e-5, "unmerged again");
        Lora.mergeAndUnload(model);
        assertTrue(Lora.layers(model).isEmpty());
        assertInstanceOf(Linear.class, model.module("layers.0.self_attn.q_proj"));
        assertEquals(plain.namedParameters().size() - 8, model.namedParameters().size(), "only base keys left");
        TensorAssert.assertCloseScaled(unmerged, forward(model), 1e-5, "merged and unloaded");
    }

    @Test
    void mergingIntoBf16WeightsAddsInF32AndRoundsOnce() {
        ToyDecoder model = loraModel();
        LoraLinear q = (LoraLinear) model.module("layers.0.self_attn.q_proj");
        q.weight().set(q.weight().value().detach().to(DType.BF16));
        Tensor want = q.weight().value().to(DType.F32).add(q.delta()).to(DType.BF16);
        q.merge();
        assertEquals(DType.BF16, q.weight().value().dtype());
        assertArrayEquals(want.toFloatArray(), q.weight().value().toFloatArray());
    }

    @Test
    void adapterFilesUsePeftKeysAndRoundTrip() throws Exception {
        ToyDecoder model = loraModel();
        Lora.saveAdapter(dir, model);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir.resolve("adapter_model.safetensors"))) {
            Set<String> keys = ckpt.entries().stream().map(TensorEntry::name).collect(Collectors.toSet());
            assertEquals(8, keys.size());
            assertTrue(keys.contains("base_model.model.layers.0.self_attn.q_proj.lora_A.weight"), keys.toString());
            assertTrue(keys.contains("base_model.model.layers.1.self_attn.v_proj.lora_B.weight"), keys.toString());
        }
        JsonNode cfg = new ObjectMapper().readTree(Files.readString(dir.resolve("adapter_config.json")));
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
        assertEquals(4, cfg.get("r").asInt());
        assertTrue(cfg.get("lora_alpha").isIntegralNumber());
        assertEquals(8, cfg.get("lora_alpha").asInt());
        assertEquals(0.0, cfg.get("lora_dropout").asDouble());
        assertEquals("none", cfg.get("bias").asText());
        assertEquals("[\"q_proj\",\"v_proj\"]", cfg.get("target_modules").toString());

        // a fresh base model (same base weights) picks the adapters up from the folder alone
        ToyDecoder fresh = new ToyDecoder(13, 16, 2, 2, 32, new Generator(21));
        List<String> loaded = Lora.loadAdapter(dir, fresh, new Generator(0));
        assertEquals(4, loaded.size());
        TensorAssert.assertClose(forward(model), forward(fresh), 0, "reloaded adapters give the same output");
    }

    @Test
    void loadingABadAdapterListsEveryProblem() throws Exception {
        ToyDecoder model = loraModel();
        Lora.saveAdapter(dir, model);
        Map<String, Tensor> tensors = new LinkedHashMap<>(TensorFiles.readAll(dir.resolve("adapter_model.safetensors")));
        tensors.remove("base_model.model.layers.1.self_attn.v_proj.lora_B.weight");
        tensors.put("base_model.model.layers.0.self_attn.v_proj.lora_A.weight", Tensor.zeros(3, 16));
        tensors.put("base_model.model.layers.0.self_attn.nope.lora_A.weight", Tensor.zeros(4, 16));
        tensors.put("base_model.model.layers.0.mlp.lora_A.weight", Tensor.zeros(4, 16));
        TensorFiles.write(dir.resolve("adapter_model.safetensors"), tensors, Map.of());

        ToyDecoder fresh = new ToyDecoder(13, 16, 2, 2, 32, new Generator(21));
        StateDictException e = assertThrows(StateDictException.class, () -> Lora.loadAdapter(dir, fresh, new Generator(0)));
        assertEquals(List.of("base_model.model.layers.1.self_attn.v_proj.lora_B.weight"), e.missing());
        assertEquals(Set.of("base_model.model.layers.0.self_attn.nope.lora_A.weight",
                "base_model.model.layers.0.mlp.lora_A.weight"), Set.copyOf(e.unexpected()));
        assertEquals(1, e.mismatched().size());
        assertTrue(e.mismatched().get(0).contains("[3, 16]") && e.mismatched().get(0).contains("[4, 16]"),
                e.mismatched().get(0));
        assertTrue(Lora.layers(fresh).isEmpty(), "nothing is wrapped when loading fails");
    }

    @Test
    void badConfigNamesTheFileAndField() throws Exception {
        Lora.saveAdapter(dir, loraModel());
        Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 4.5, \"lora_alpha\": 8}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Lora.loadAdapter(dir, new ToyDecoder(13, 16, 2, 2, 32, new Generator(21)), new Generator(0)));
        assertTrue(e.getMessage().contains("adapter_config.json") && e.getMessage().contains("'r'"), e.getMessage());
    }

    /** Linear.forwardShared keeps an unmerged adapter's contribution: LoRA layers are applied one by one. */
    @Test
    void forwardSharedKeepsTheAdapter() {
        Generator gen = new Generator(31);
        Linear plain = new Linear(16, 8, false, dev.llava4j.nn.Init.pytorchDefault(gen));
        LoraLinear lora = new LoraLinear(new Linear(16, 12, false, dev.llava4j.nn.Init.pytorchDefault(gen)), CONFIG, gen);
        lora.loraB().set(Tensor.randn(gen, lora.loraB().value().shape()));
        Tensor x = Tensor.randn(gen, 1, 1, 16);
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor[] shared = Linear.forwardShared(x, plain, lora);
            TensorAssert.assertClose(plain.forward(x), shared[0], 0, "plain layer");
            TensorAssert.assertClose(lora.forward(x), shared[1], 0, "LoRA layer");
            Tensor withoutAdapter = dev.llava4j.tensor.ops.Linalg.linear(x, lora.weight().value(), null);
            assertTrue(lora.forward(x).sub(withoutAdapter).abs().max().getDouble() > 1e-3, "the adapter changes the output");
        }
    }
}
