package dev.llava4j.nn.statedict;

import dev.llava4j.nn.StateDictException;
import dev.llava4j.nn.testutil.ToyDecoder;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** loadStateDict reports every missing, unexpected and mismatched key in one exception, and loads nothing then. */
class LoadStateDictErrorsTest {
    @Test
    void everyProblemIsListedAtOnce() {
        ToyDecoder model = new ToyDecoder(11, 8, 2, 1, 16, new Generator(1));
        Map<String, Tensor> state = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> state.put(k, v.detach().copy().fill(0.5)));
        state.remove("norm.weight");
        state.remove("layers.0.mlp.up_proj.weight");
        state.put("layers.0.self_attn.rotary_emb.inv_freq", Tensor.zeros(4));
        state.put("lm_head.bias", Tensor.zeros(11));
        state.put("embed_tokens.weight", Tensor.zeros(12, 8));
        state.put("layers.0.input_layernorm.weight", Tensor.ofLongs(new long[8], 8));

        StateDictException e = assertThrows(StateDictException.class,
                () -> model.loadStateDict(state, true, key -> "model-0000" + (key.length() % 2 + 1) + ".safetensors"));
        assertEquals(List.of("layers.0.mlp.up_proj.weight", "norm.weight"), e.missing().stream().sorted().toList());
        assertEquals(List.of("layers.0.self_attn.rotary_emb.inv_freq", "lm_head.bias"), e.unexpected().stream().sorted().toList());
        assertEquals(2, e.mismatched().size(), String.join("\n", e.mismatched()));
        String embed = e.mismatched().stream().filter(m -> m.startsWith("embed_tokens.weight")).findFirst().orElseThrow();
        assertTrue(embed.contains("[12, 8]") && embed.contains("[11, 8]") && embed.contains(".safetensors"), embed);
        assertTrue(e.mismatched().stream().anyMatch(m -> m.startsWith("layers.0.input_layernorm.weight") && m.contains("I64")),
                String.join("\n", e.mismatched()));
        for (String key : List.of("norm.weight", "lm_head.bias", "embed_tokens.weight", "inv_freq")) {
            assertTrue(e.getMessage().contains(key), "message names " + key + ": " + e.getMessage());
        }
        // nothing was loaded
        assertTrue(model.stateDict().get("lm_head.weight").toFloatArray()[0] != 0.5f);
    }

    @Test
    void nonStrictLoadingIgnoresMissingAndUnexpectedButNotShapes() {
        ToyDecoder model = new ToyDecoder(11, 8, 2, 1, 16, new Generator(1));
        Map<String, Tensor> partial = new LinkedHashMap<>();
        partial.put("norm.weight", Tensor.full(2, DType.F32, 8));
        partial.put("extra", Tensor.zeros(1));
        model.loadStateDict(partial, false);
        assertArrayEquals(Tensor.full(2, DType.F32, 8).toFloatArray(), model.stateDict().get("norm.weight").toFloatArray());

        partial.put("norm.weight", Tensor.zeros(9));
        StateDictException e = assertThrows(StateDictException.class, () -> model.loadStateDict(partial, false));
        assertEquals(List.of(), e.missing());
        assertEquals(1, e.mismatched().size());
    }
}
