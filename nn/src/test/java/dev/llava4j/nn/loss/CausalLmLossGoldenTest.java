package dev.llava4j.nn.loss;

import dev.llava4j.nn.testutil.Golden;
import dev.llava4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shifted causal-LM loss equals LlamaForCausalLM's (fixtures/optim/loss.safetensors), value and gradient. */
class CausalLmLossGoldenTest {
    private static final Golden GOLDEN = Golden.load("loss.safetensors");

    @Test
    void lossAndGradientMatchPyTorch() {
        Tensor logits = GOLDEN.get("logits").copy().requiresGrad(true);
        Tensor labels = GOLDEN.get("labels");
        Tensor loss = Losses.causalLmLoss(logits, labels);
        double want = GOLDEN.scalar("loss");
        assertEquals(want, loss.item(), 1e-6 * want);
        loss.backward();
        Golden.assertRelClose(GOLDEN.get("grad"), logits.grad(), 1e-6, "d loss / d logits");
        // the last position predicts nothing, so its gradient is exactly zero
        assertEquals(0.0, logits.grad().narrow(1, 5, 1).abs().sum().item());
    }

    @Test
    void countsTheTargetsItAveragesOver() {
        // targets are labels[:, 1:] minus the ignored ones: row 0 ignores positions 1-2 (3 left), row 1 position 4 (4 left)
        assertEquals(7, Losses.countCausalTargets(GOLDEN.get("labels"), Losses.IGNORE_INDEX));
    }

    @Test
    void rejectsMismatchedShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.causalLmLoss(Tensor.zeros(2, 6, 11), Tensor.ofLongs(new long[12], 2, 6).narrow(1, 0, 5)));
        assertTrue(e.getMessage().contains("[2, 6, 11]") && e.getMessage().contains("[2, 5]"), e.getMessage());
    }
}
