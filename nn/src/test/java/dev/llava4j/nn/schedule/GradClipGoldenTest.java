package dev.llava4j.nn.schedule;

import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.testutil.Golden;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Global-norm clipping equals torch.nn.utils.clip_grad_norm_ (fixtures/optim/clip.safetensors). */
class GradClipGoldenTest {
    private static final Golden GOLDEN = Golden.load("clip.safetensors");

    private static List<Parameter> withGrads(String kase) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Tensor g = GOLDEN.get(kase + ".grad" + i + ".before");
            Parameter p = new Parameter(Tensor.zeros(g.shape()));
            p.value().setGrad(g.copy());
            ps.add(p);
        }
        return ps;
    }

    @Test
    void clipsToMaxNormAndReturnsTheNormBefore() {
        for (String kase : List.of("clipped", "unclipped")) {
            List<Parameter> ps = withGrads(kase);
            double norm = GradClip.clipGlobalNorm(ps, GOLDEN.scalar(kase + ".max_norm"));
            double want = GOLDEN.scalar(kase + ".norm");
            assertEquals(want, norm, 1e-6 * want, kase + ": norm (PyTorch computes it in float32)");
            for (int i = 0; i < 3; i++) {
                Golden.assertRelClose(GOLDEN.get(kase + ".grad" + i + ".after"), ps.get(i).grad(), 1e-6, kase + " grad " + i);
            }
        }
        assertTrue(GOLDEN.scalar("clipped.norm") > 1, "the clipped case really clips");
    }

    @Test
    void normIsAccumulatedInDoubleOverAllDtypes() {
        Parameter a = new Parameter(Tensor.zeros(2));
        a.value().setGrad(Tensor.of(new float[]{3, 0}, 2));
        Parameter b = new Parameter(Tensor.zeros(DType.BF16, 1));
        b.value().setGrad(Tensor.full(4, DType.BF16, 1));
        Parameter none = new Parameter(Tensor.zeros(3));
        assertEquals(5.0, GradClip.clipGlobalNorm(List.of(a, b, none), 1.0), 0.0);
        assertEquals(0.6, a.grad().toFloatArray()[0], 1e-6, "3 * 1/(5 + 1e-6)");
        assertEquals(0.8, b.grad().toFloatArray()[0], 4e-3, "BF16 gradient scaled too");
    }

    @Test
    void nonFiniteNormLeavesGradientsAlone() {
        Parameter a = new Parameter(Tensor.zeros(2));
        a.value().setGrad(Tensor.of(new float[]{Float.POSITIVE_INFINITY, 2}, 2));
        assertEquals(Double.POSITIVE_INFINITY, GradClip.clipGlobalNorm(List.of(a), 1.0));
        assertEquals(2f, a.grad().toFloatArray()[1]);
    }
}
