package dev.llava4j.llava.model;

import dev.llava4j.nn.Init;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The loss from hidden states (LM head on the supervised positions only) equals the loss from full logits. */
class CausalLmLossTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lossAndGradientsFromHiddenStatesEqualThoseFromFullLogits(boolean tiedHead) {
        TextConfig c = new TextConfig(16, 32, 1, 2, 2, 37, 1e-5, 10000, 64, "silu", tiedHead, false);
        LlamaForCausalLM lm = new LlamaForCausalLM(c, Init.normal(new Generator(11), 0.3));
        long[] labels = {-100, -100, 5, 9, -100, 36, 0, // row 0: supervised targets at 2, 3, 5, 6
                         -100, -100, -100, -100, 7, 7, -100}; // row 1: targets at 3 and 4 only
        Tensor labelTensor = Tensor.ofLongs(labels, 2, 7);
        Tensor hiddenValues = Tensor.randn(new Generator(5), 2, 7, 16);
        String headName = tiedHead ? "model.embed_tokens.weight" : "lm_head.weight";

        Tensor[] full = lossAndGradients(lm, hiddenValues, headName, h -> CausalLmLoss.of(lm.logits(h), labelTensor, -100));
        Tensor[] picked = lossAndGradients(lm, hiddenValues, headName, h -> CausalLmLoss.ofHidden(lm, h, labelTensor, -100));

        assertEquals(full[0].item(), picked[0].item(), 1e-6 * Math.abs(full[0].item()), "loss");
        TensorAssert.assertClose(full[1], picked[1], 1e-6, "gradient of the hidden states");
        TensorAssert.assertClose(full[2], picked[2], 1e-6, "gradient of " + headName);
        // positions without a target get no gradient (the last position never has one)
        assertEquals(0.0, picked[1].narrow(0, 1, 1).narrow(1, 0, 3).abs().max().item());
        assertEquals(0.0, picked[1].narrow(1, 6, 1).abs().max().item());
    }

    private static Tensor[] lossAndGradients(LlamaForCausalLM lm, Tensor hiddenValues, String headName,
                                             java.util.function.Function<Tensor, Tensor> lossOf) {
        Tensor head = lm.namedParameters().get(headName).value();
        head.releaseGrad();
        Tensor hidden = hiddenValues.detach().requiresGrad(true);
        Tensor loss;
        try (TensorScope step = TensorScope.open()) {
            loss = step.keep(lossOf.apply(hidden));
            loss.backward();
        }
        return new Tensor[]{loss.detach(), hidden.grad(), head.grad().copy()};
    }
}
