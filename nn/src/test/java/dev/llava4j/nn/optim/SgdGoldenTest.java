package dev.llava4j.nn.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.nn.testutil.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;

/** SGD trajectories equal torch.optim.SGD for 6 steps (fixtures/optim/sgd.safetensors, make_golden.py). */
class SgdGoldenTest {
    private static final Golden GOLDEN = Golden.load("sgd.safetensors");

    @ParameterizedTest
    @ValueSource(strings = {"momentum", "dampening", "nesterov", "plain"})
    void trajectoryMatchesPyTorch(String kase) {
        JsonNode meta = GOLDEN.meta(kase);
        GoldenTrajectory run = new GoldenTrajectory(GOLDEN, kase, List.of("w", "b", "k"));
        ParamGroup group = new ParamGroup(run.params, meta.get("lr").asDouble(), meta.get("weight_decay").asDouble());
        double momentum = meta.get("momentum").asDouble();
        Sgd opt = new Sgd(List.of(group), momentum, meta.get("dampening").asDouble(), meta.get("nesterov").asBoolean());
        for (int k = 1; k <= GoldenTrajectory.STEPS; k++) {
            run.setGradients(k);
            opt.step();
            run.assertAfter(k);
        }
        for (String n : run.params.keySet()) {
            if (momentum != 0) {
                Golden.assertRelClose(GOLDEN.get(kase + "." + n + ".momentum_buffer"), opt.state(n, "momentum_buffer"),
                        1e-6, kase + " momentum_buffer " + n);
            } else {
                assertNull(opt.state(n, "momentum_buffer"), "plain SGD keeps no buffer");
            }
        }
    }
}
