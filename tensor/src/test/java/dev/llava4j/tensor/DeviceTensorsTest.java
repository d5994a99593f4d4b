package dev.llava4j.tensor;

import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.ops.Elementwise;
import dev.llava4j.tensor.ops.Functional;
import dev.llava4j.tensor.ops.Indexing;
import dev.llava4j.tensor.ops.Linalg;
import dev.llava4j.tensor.testing.FakeDeviceBackend;
import dev.llava4j.tensor.testing.FakeDeviceStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device rule of the frontend, checked on {@link FakeDeviceBackend} (a CUDA stand-in over host memory whose
 * fresh blocks are garbage): outputs land on their inputs' device with the CPU's values, mixing devices fails with
 * a message naming both, scopes free device storages, and gradients live on their parameter's device.
 */
class DeviceTensorsTest {
    private static final Device GPU = Device.CUDA;
    private Backends.Handle fake;

    @BeforeEach
    void installFake() {
        fake = FakeDeviceBackend.install();
    }

    @AfterEach
    void removeFake() {
        fake.close();
    }

    /** Inputs x [2,3,4], w [4,5], ids [3] (I64), ix [2,3,4] (I64, values in [0,4)). */
    private static Tensor[] inputs() {
        Generator g = new Generator(7);
        return new Tensor[]{Tensor.randn(g, 2, 3, 4), Tensor.randn(g, 4, 5), Tensor.ofLongs(new long[]{2, 0, 1}),
                Tensor.ofLongs(new long[]{0, 3, 1, 2, 2, 1, 0, 3, 3, 3, 0, 1, 1, 0, 2, 2, 3, 1, 0, 2, 1, 3, 0, 0}, 2, 3, 4)};
    }

    /** One representative of every op family (and so of every SPI method), as a function of {@link #inputs()}. */
    private static Map<String, Function<Tensor[], Tensor>> ops() {
        Map<String, Function<Tensor[], Tensor>> ops = new LinkedHashMap<>();
        ops.put("unary", t -> t[0].gelu());
        ops.put("binary broadcast", t -> t[0].mul(t[0].narrow(0, 0, 1)));
        ops.put("binary with host scalar", t -> t[0].add(2.5).pow(2.0));
        ops.put("comparison + where", t -> Elementwise.where(t[0].gt(0.0), t[0], Tensor.scalar(-1)));
        ops.put("clamp", t -> t[0].clamp(-0.5, 0.5));
        ops.put("maskedFill", t -> t[0].maskedFill(t[0].lt(0.0), 9));
        ops.put("copy to bf16 and back", t -> t[0].to(DType.BF16).to(DType.F32));
        ops.put("contiguous of a transpose", t -> t[0].transpose(0, 2).contiguous());
        ops.put("sum", t -> t[0].sum(1, false));
        ops.put("max values", t -> t[0].max(2, true).values());
        ops.put("argmax", t -> t[0].argmax(-1, false));
        ops.put("logsumexp", t -> t[0].logsumexp(1, false));
        ops.put("matmul", t -> t[0].matmul(t[1]));
        ops.put("softmax", t -> t[0].softmax(1));
        ops.put("layerNorm", t -> Functional.layerNorm(t[0], Tensor.full(1.5, 4).to(t[0].device()), null, 1e-5));
        ops.put("rmsNorm", t -> Functional.rmsNorm(t[0], null, 1e-6));
        ops.put("rope", t -> {
            Tensor[] cs = Functional.rotaryCosSin(Tensor.ofLongs(new long[]{0, 1, 2, 5, 6, 7}, 2, 3).to(t[0].device()), 4, 10000);
            return Functional.rope(t[0].unsqueeze(1), cs[0], cs[1]);
        });
        ops.put("attention", t -> {
            Tensor q = t[0].unsqueeze(1);
            return Functional.scaledDotProductAttention(q, q, q, null, true, 0.5);
        });
        ops.put("indexSelect", t -> Indexing.indexSelect(t[0], 1, t[2]));
        ops.put("gather", t -> Indexing.gather(t[0], 2, t[3]));
        ops.put("scatterAdd", t -> Indexing.scatterAdd(t[0], 2, t[3], t[0]));
        ops.put("cat", t -> Indexing.cat(List.of(t[0], t[0].mul(2.0)), 1));
        ops.put("crossEntropy", t -> Functional.crossEntropy(t[0].reshape(6, 4), t[3].reshape(6, 4).select(1, 0), -100));
        return ops;
    }

    private static Tensor[] onDevice(Tensor[] ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            out[i] = ts[i].to(GPU);
        }
        return out;
    }

    @Test
    void everyOpComputesOnTheInputsDeviceWithTheHostValues() {
        Tensor[] host = inputs();
        Tensor[] dev = onDevice(host);
        for (Map.Entry<String, Function<Tensor[], Tensor>> op : ops().entrySet()) {
            Tensor expected = op.getValue().apply(host);
            Tensor actual = op.getValue().apply(dev);
            assertEquals(GPU, actual.device(), op.getKey() + " output device");
            assertInstanceOf(FakeDeviceStorage.class, actual.storage(), op.getKey());
            assertArrayEquals(expected.shape(), actual.shape(), op.getKey() + " shape");
            assertEquals(expected.dtype(), actual.dtype(), op.getKey() + " dtype");
            // same host kernels underneath, so the values are identical, not merely close
            assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0.0, op.getKey() + " values");
        }
    }

    @Test
    void deviceMemoryIsNotReadableInPlaceButSmallReadsCopy() {
        Tensor d = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2).to(GPU);
        IllegalStateException e = assertThrows(IllegalStateException.class, d::segment);
        assertTrue(e.getMessage().contains("CUDA"), e.getMessage());
        assertEquals(3.0, d.getDouble(1, 0));
        assertEquals(10.0f, d.sum().item());
        assertArrayEquals(new long[]{1, 1}, d.argmax(1, false).toLongArray());
        Tensor back = d.toHost();
        assertEquals(Device.CPU, back.device());
        assertArrayEquals(new float[]{1, 2, 3, 4}, back.toFloatArray());
        assertSame(back, back.toHost(), "a move to the current device is a no-op");
    }

    @Test
    void zerosOnTheDeviceAreZeroThoughFreshDeviceMemoryIsNot() {
        assertTrue(Double.isNaN(Tensor.empty(GPU, DType.F32, 3).getDouble(0)), "the fake hands out garbage");
        assertArrayEquals(new double[]{0, 0, 0}, Tensor.zeros(GPU, DType.F32, 3).toDoubleArray());
        assertArrayEquals(new double[]{0, 0}, Tensor.zerosLike(Tensor.ones(2).to(GPU)).toDoubleArray());
        assertArrayEquals(new double[]{2.5, 2.5}, Tensor.full(2.5, DType.F32, GPU, 2).toDoubleArray());
    }

    @Test
    void mixingDevicesInOneOpNamesTheOpAndBothDevices() {
        Tensor h = Tensor.ones(2, 2);
        Tensor d = Tensor.ones(2, 2).to(GPU);
        Map<String, Runnable> mixed = new LinkedHashMap<>();
        mixed.put("ADD", () -> h.add(d));
        mixed.put("matmul", () -> d.matmul(h));
        mixed.put("where", () -> Elementwise.where(h.gt(0.0), d, d));
        mixed.put("cat", () -> Indexing.cat(List.of(h, d), 0));
        mixed.put("index_select", () -> Indexing.indexSelect(d, 0, Tensor.ofLongs(new long[]{0})));
        mixed.put("layer_norm", () -> Functional.layerNorm(d, Tensor.ones(2), null, 1e-5));
        for (Map.Entry<String, Runnable> m : mixed.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, m.getValue()::run, m.getKey());
            assertTrue(e.getMessage().startsWith(m.getKey() + ":"), e.getMessage());
            assertTrue(e.getMessage().contains("CPU") && e.getMessage().contains("CUDA"), e.getMessage());
        }
    }

    @Test
    void copyFromCrossesDevicesAndMoveIsDifferentiable() {
        Tensor d = Tensor.zeros(GPU, DType.F32, 2, 3);
        d.narrow(1, 1, 2).copyFrom(Tensor.of(new float[]{1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new float[]{0, 1, 2, 0, 3, 4}, d.toFloatArray());
        Tensor h = Tensor.zeros(2, 3);
        h.copyFrom(d);
        assertArrayEquals(new float[]{0, 1, 2, 0, 3, 4}, h.toFloatArray());

        Tensor w = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
        w.to(GPU).square().sum().backward();
        assertEquals(Device.CPU, w.grad().device());
        assertArrayEquals(new float[]{2, 4, 6}, w.grad().toFloatArray());
    }

    @Test
    void scopesReleaseDeviceStoragesAndKeepHandsThemOn() {
        Tensor kept;
        Tensor dropped;
        Tensor outer = Tensor.ones(4).to(GPU); // allocated with no scope open: owned by the garbage collector
        try (TensorScope scope = TensorScope.open()) {
            dropped = outer.mul(2.0);
            kept = scope.keep(outer.add(1.0));
            assertFalse(dropped.isReleased());
        }
        assertTrue(dropped.isReleased(), "an intermediate on the device is freed with its scope");
        assertFalse(kept.isReleased());
        assertFalse(outer.isReleased());
        assertArrayEquals(new float[]{2, 2, 2, 2}, kept.toFloatArray());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dropped.add(1.0));
        assertTrue(e.getMessage().contains("already released"), e.getMessage());

        try (TensorScope outerScope = TensorScope.open()) {
            Tensor survivor;
            try (TensorScope inner = TensorScope.open()) {
                survivor = inner.keep(outer.mul(3.0));
            }
            assertFalse(survivor.isReleased(), "kept into the enclosing scope");
            Tensor s = survivor;
            outerScope.close();
            assertTrue(s.isReleased(), "and freed when that one closes");
        }
    }

    @Test
    void gradientsAreAllocatedOnTheParametersDeviceAndMatchTheCpu() {
        Tensor[] host = inputs();
        Map<String, double[]> cpu = trainStepGradients(host[0], host[1], host[3]);
        Tensor[] dev = onDevice(host);
        Tensor x = dev[0];
        Tensor w = dev[1];
        Map<String, double[]> gpu = trainStepGradients(x, w, dev[3]);
        for (String k : cpu.keySet()) {
            assertArrayEquals(cpu.get(k), gpu.get(k), 0.0, "gradient of " + k);
        }
    }

    /**
     * Two backward passes (so gradients accumulate) through views, a broadcast, matmul, norms, attention and the
     * loss, inside a scope; returns the gradients after checking they sit on the parameters' device.
     */
    private static Map<String, double[]> trainStepGradients(Tensor x0, Tensor w0, Tensor targets) {
        Tensor x = x0.detach().requiresGrad(true);
        Tensor w = w0.detach().requiresGrad(true);
        Tensor gain = Tensor.full(1.25, DType.F32, x0.device(), 4).requiresGrad(true);
        for (int i = 0; i < 2; i++) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor h = Functional.rmsNorm(x, gain, 1e-6);
                Tensor q = h.unsqueeze(1);
                Tensor a = Functional.scaledDotProductAttention(q, q, q, null, true, 0.5).squeeze(1);
                Tensor logits = a.narrow(1, 0, 2).matmul(w.narrow(1, 1, 4));
                Tensor loss = Functional.crossEntropy(logits.reshape(4, 4), targets.narrow(1, 0, 2).select(2, 0).reshape(4), -100)
                        .add(logits.softmax(-1).max().mul(0.1));
                loss.backward();
            }
        }
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> p : Map.of("x", x, "w", w, "gain", gain).entrySet()) {
            Tensor g = p.getValue().grad();
            assertEquals(x0.device(), g.device(), "grad of " + p.getKey());
            assertFalse(g.isReleased(), "grad of " + p.getKey() + " outlives the step scope");
            grads.put(p.getKey(), g.toDoubleArray());
        }
        return grads;
    }
}
