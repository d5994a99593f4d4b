package dev.llava4j.nn.optim;

import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.schedule.LrSchedule;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.SafetensorsCheckpoint;
import dev.llava4j.tensor.safetensors.TensorEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optimizer state save/load: resuming from a file continues the exact same trajectory; bad files list every fault. */
class OptimizerStateTest {
    @TempDir
    Path dir;

    /** Two groups: an F32 matrix and a BF16 vector (which has a master copy). */
    private static Map<String, Parameter> params(long seed) {
        Generator gen = new Generator(seed);
        Map<String, Parameter> ps = new LinkedHashMap<>();
        ps.put("layer.weight", new Parameter(Tensor.randn(gen, 3, 4)));
        ps.put("layer.bias", new Parameter(Tensor.randn(gen, 3).to(DType.BF16)));
        return ps;
    }

    private static List<ParamGroup> groups(Map<String, Parameter> ps) {
        return List.of(new ParamGroup(Map.of("layer.weight", ps.get("layer.weight")), 0.05, 0.1),
                new ParamGroup(Map.of("layer.bias", ps.get("layer.bias")), 0.02, 0));
    }

    /** Step k with gradients that depend only on k. */
    private static void step(Optimizer opt, Map<String, Parameter> ps, long k, LrSchedule s) {
        Generator grads = new Generator(1000 + k);
        ps.values().forEach(p -> p.value().setGrad(Tensor.randn(grads, p.value().shape()).to(p.value().dtype())));
        s.apply(opt, k);
        opt.step();
    }

    @Test
    void resumingFromSavedStateContinuesIdentically() throws Exception {
        LrSchedule schedule = LrSchedule.cosineWithWarmup(2, 10);
        for (Function<List<ParamGroup>, Optimizer> make : List.<Function<List<ParamGroup>, Optimizer>>of(
                AdamW::new, gs -> new Sgd(gs, 0.9, 0, true))) {
            Map<String, Parameter> a = params(1);
            Optimizer optA = make.apply(groups(a));
            for (int k = 0; k < 3; k++) {
                step(optA, a, k, schedule);
            }
            Path file = dir.resolve("opt.safetensors");
            optA.saveState(file);

            // a fresh optimizer over parameters with the values reached so far, resumed from the file
            Map<String, Parameter> b = params(1);
            b.forEach((n, p) -> p.set(a.get(n).value().copy()));
            Optimizer optB = make.apply(groups(b));
            optB.loadState(file);
            assertEquals(3, optB.stepCount());
            assertEquals(optA.groups().get(0).lr(), optB.groups().get(0).lr(), "group lr restored");
            for (int k = 3; k < 6; k++) {
                step(optA, a, k, schedule);
                step(optB, b, k, schedule);
            }
            for (String n : a.keySet()) {
                assertArrayEquals(a.get(n).value().toFloatArray(), b.get(n).value().toFloatArray(), n + " after resuming");
            }
        }
    }

    @Test
    void stateFileUsesPyTorchBufferNames() throws Exception {
        Map<String, Parameter> a = params(2);
        AdamW opt = new AdamW(groups(a));
        step(opt, a, 0, LrSchedule.constant());
        Path file = dir.resolve("adamw.safetensors");
        opt.saveState(file);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file)) {
            Set<String> names = ckpt.entries().stream().map(TensorEntry::name).collect(Collectors.toSet());
            assertEquals(Set.of("layer.weight.exp_avg", "layer.weight.exp_avg_sq", "layer.bias.exp_avg",
                    "layer.bias.exp_avg_sq", "layer.bias.master"), names);
            assertEquals("AdamW", ckpt.metadata().get("llava4j.optimizer"));
            assertEquals("{\"layer.weight\":1,\"layer.bias\":1}", ckpt.metadata().get("llava4j.steps"));
        }
    }

    @Test
    void loadingAMismatchedStateListsEveryProblem() throws Exception {
        Map<String, Parameter> a = params(3);
        AdamW opt = new AdamW(groups(a));
        step(opt, a, 0, LrSchedule.constant());
        Path file = dir.resolve("adamw.safetensors");
        opt.saveState(file);

        // an SGD over differently named and shaped parameters
        Map<String, Parameter> other = new LinkedHashMap<>();
        other.put("layer.weight", new Parameter(Tensor.zeros(4, 4)));
        other.put("head.bias", new Parameter(Tensor.zeros(3)));
        Sgd sgd = new Sgd(List.of(new ParamGroup(other, 0.1, 0)), 0.9, 0, false);
        OptimizerStateException e = assertThrows(OptimizerStateException.class, () -> sgd.loadState(file));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("AdamW") && all.contains("SGD"), "wrong optimizer type: " + all);
        assertTrue(all.contains("has 2 groups but the optimizer has 1"), "group count: " + all);
        assertTrue(all.contains("step count for unknown parameter 'layer.bias'"), "unknown parameter: " + all);
        assertTrue(all.contains("unexpected tensor 'layer.weight.exp_avg'"), "AdamW buffer in an SGD: " + all);
        assertTrue(all.contains("unexpected tensor 'layer.bias.master'"), "unknown parameter's tensor: " + all);
        assertTrue(e.getMessage().startsWith(file.toString()), "message names the file: " + e.getMessage());

        // the same optimizer type but a wrong shape
        Map<String, Parameter> reshaped = params(3);
        reshaped.put("layer.weight", new Parameter(Tensor.zeros(4, 3)));
        AdamW wrongShape = new AdamW(groups(reshaped));
        OptimizerStateException s = assertThrows(OptimizerStateException.class, () -> wrongShape.loadState(file));
        assertEquals(2, s.problems().size(), String.join("\n", s.problems()));
        assertTrue(s.problems().stream().anyMatch(m -> m.contains(
                "'layer.weight.exp_avg': F32 [3, 4] but F32 [4, 3] is expected")), String.join("\n", s.problems()));
    }
}
