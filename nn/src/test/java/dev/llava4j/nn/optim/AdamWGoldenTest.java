package dev.llava4j.nn.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.nn.schedule.LrSchedule;
import dev.llava4j.nn.testutil.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** AdamW trajectories equal torch.optim.AdamW for 6 steps (fixtures/optim/adamw.safetensors, make_golden.py). */
class AdamWGoldenTest {
    private static final Golden GOLDEN = Golden.load("adamw.safetensors");

    @ParameterizedTest
    @ValueSource(strings = {"wd0", "wd001", "groups", "cosine"})
    void trajectoryMatchesPyTorch(String kase) {
        JsonNode meta = GOLDEN.meta(kase);
        GoldenTrajectory run = new GoldenTrajectory(GOLDEN, kase, List.of("w", "b", "k"));
        AdamW opt = new AdamW(run.groups(meta.get("groups")), meta.get("beta1").asDouble(), meta.get("beta2").asDouble(),
                meta.get("eps").asDouble());
        JsonNode sched = meta.get("schedule");
        LrSchedule schedule = sched == null ? LrSchedule.constant()
                : LrSchedule.cosineWithWarmup(sched.get("warmup").asLong(), sched.get("total").asLong());
        for (int k = 1; k <= GoldenTrajectory.STEPS; k++) {
            schedule.apply(opt, k - 1);
            run.setGradients(k);
            opt.step();
            run.assertAfter(k);
        }
        for (String n : run.params.keySet()) {
            Golden.assertRelClose(GOLDEN.get(kase + "." + n + ".exp_avg"), opt.state(n, "exp_avg"), 1e-6, kase + " exp_avg " + n);
            Golden.assertRelClose(GOLDEN.get(kase + "." + n + ".exp_avg_sq"), opt.state(n, "exp_avg_sq"), 1e-6,
                    kase + " exp_avg_sq " + n);
            assertEquals(GoldenTrajectory.STEPS, opt.stepCount(n));
        }
    }
}
