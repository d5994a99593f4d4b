package dev.llava4j.nn.optim;

import dev.llava4j.nn.Parameter;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A BF16/F16 parameter is updated through an F32 master copy that follows the F32 trajectory exactly. */
class MasterWeightsTest {
    @Test
    void halfPrecisionParametersFollowTheF32TrajectoryThroughTheirMaster() {
        for (DType half : List.of(DType.BF16, DType.F16)) {
            Generator gen = new Generator(7);
            // start values and gradients exactly representable in the half type, so both runs see the same inputs
            Tensor start = Tensor.randn(gen, 6, 5).to(half).to(DType.F32);
            Parameter ref = new Parameter(start.copy());
            Parameter low = new Parameter(start.to(half));
            AdamW refOpt = new AdamW(List.of(group("p", ref, 1e-2, 0.1)));
            AdamW lowOpt = new AdamW(List.of(group("p", low, 1e-2, 0.1)));
            for (int step = 0; step < 8; step++) {
                Tensor g = Tensor.randn(gen, 6, 5).to(half);
                ref.value().setGrad(g.to(DType.F32));
                low.value().setGrad(g.copy());
                refOpt.step();
                lowOpt.step();
                Tensor master = lowOpt.state("p", "master");
                assertNotNull(master, half + ": master copy");
                assertEquals(DType.F32, master.dtype());
                assertArrayEquals(ref.value().toFloatArray(), master.toFloatArray(), half + " step " + step + ": master == F32 run");
                assertEquals(half, low.value().dtype(), "the parameter keeps its dtype");
                assertArrayEquals(ref.value().to(half).toFloatArray(), low.value().toFloatArray(),
                        half + " step " + step + ": parameter == rounded master");
                assertEquals(DType.F32, lowOpt.state("p", "exp_avg").dtype());
                assertEquals(DType.F32, lowOpt.state("p", "exp_avg_sq").dtype());
            }
            assertNull(refOpt.state("p", "master"), "an F32 parameter is updated in place");
        }
    }

    @Test
    void replacingTheParameterTensorRestartsTheMasterFromTheNewValue() {
        Parameter p = new Parameter(Tensor.ones(4).to(DType.BF16));
        AdamW opt = new AdamW(List.of(group("p", p, 0.1, 0)));
        p.value().setGrad(Tensor.ones(4).to(DType.BF16));
        opt.step();
        p.set(Tensor.full(5, DType.BF16, 4)); // e.g. a checkpoint was loaded into the model
        p.value().setGrad(Tensor.zeros(DType.BF16, 4));
        opt.step();
        // exp_avg is still positive, so the value moves down from 5, not from the old master near 0.9
        float v = p.value().toFloatArray()[0];
        assertEquals(5 - 0.1, v, 0.05, "update starts from the new tensor");
    }

    static ParamGroup group(String name, Parameter p, double lr, double wd) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put(name, p);
        return new ParamGroup(m, lr, wd);
    }
}
