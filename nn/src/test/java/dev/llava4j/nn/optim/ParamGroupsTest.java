package dev.llava4j.nn.optim;

import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.testutil.ToyDecoder;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter groups, the no-decay split, and gradient handling around steps. */
class ParamGroupsTest {
    @Test
    void normsAndBiasesGetNoWeightDecay() {
        ToyDecoder model = new ToyDecoder(11, 8, 2, 1, 16, new Generator(1));
        model.setTrainable(n -> n.startsWith("layers.0.mlp"), false);
        List<ParamGroup> groups = ParamGroups.decayExceptBiasesAndNorms(model, 1e-3, 0.1);
        assertEquals(2, groups.size());
        assertEquals(0.1, groups.get(0).weightDecay());
        assertEquals(0.0, groups.get(1).weightDecay());
        assertEquals(List.of("embed_tokens.weight", "layers.0.self_attn.q_proj.weight", "layers.0.self_attn.k_proj.weight",
                "layers.0.self_attn.v_proj.weight", "layers.0.self_attn.o_proj.weight", "lm_head.weight"),
                List.copyOf(groups.get(0).params().keySet()), "decayed; frozen MLP left out");
        assertEquals(List.of("layers.0.input_layernorm.weight", "layers.0.post_attention_layernorm.weight", "norm.weight"),
                List.copyOf(groups.get(1).params().keySet()), "norm weights are not decayed");
    }

    @Test
    void aParameterInTwoGroupsIsRejected() {
        Parameter p = new Parameter(Tensor.zeros(2));
        ParamGroup a = MasterWeightsTest.group("x", p, 0.1, 0);
        ParamGroup b = MasterWeightsTest.group("x", p, 0.2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(a, b)));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void parametersWithoutGradientAreSkippedAndZeroGradKeepsBuffers() {
        Map<String, Parameter> ps = new LinkedHashMap<>();
        ps.put("a", new Parameter(Tensor.ones(3)));
        ps.put("b", new Parameter(Tensor.ones(3)));
        AdamW opt = new AdamW(List.of(new ParamGroup(ps, 0.1, 0.5)));
        ps.get("a").value().setGrad(Tensor.ones(3));
        opt.step();
        assertEquals(1, opt.stepCount("a"));
        assertEquals(0, opt.stepCount("b"), "no gradient, no state");
        assertArrayEquals(new float[]{1, 1, 1}, ps.get("b").value().toFloatArray(), "no gradient, no decay either");

        Tensor buffer = ps.get("a").grad();
        opt.zeroGrad();
        assertArrayEquals(new float[]{0, 0, 0}, ps.get("a").grad().toFloatArray());
        assertTrue(buffer == ps.get("a").grad(), "zeroGrad keeps the gradient buffer");
        opt.step();  // a zero gradient is still a step: the moments decay and the count advances
        assertEquals(2, opt.stepCount("a"));
        opt.clearGrads();
        assertNull(ps.get("a").grad());
        assertTrue(buffer.isReleased(), "clearGrads frees the gradient's memory");
        opt.step();  // set_to_none, as PyTorch: no gradient, no step
        assertEquals(2, opt.stepCount("a"));
    }
}
