package dev.llava4j.tensor;

import dev.llava4j.tensor.ops.Linalg;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented lifetime rule: scoped intermediates are freed deterministically; released tensors fail loudly. */
class MemoryLifetimeTest {

    @Test
    void thousandTrainingStepsKeepOffHeapMemoryFlat() {
        Generator g = new Generator(0);
        Tensor w1 = Tensor.randn(g, 32, 16).mul(0.1).requiresGrad(true);
        Tensor b1 = Tensor.zeros(32).requiresGrad(true);
        Tensor w2 = Tensor.randn(g, 4, 32).mul(0.1).requiresGrad(true);
        Tensor x = Tensor.randn(g, 8, 16);
        Tensor target = Tensor.ofLongs(new long[]{0, 1, 2, 3, 0, 1, 2, 3});
        // one warm-up step creates the .grad tensors, which live outside the step scopes
        step(w1, b1, w2, x, target);
        settleGarbage();
        long baseline = MemoryStats.liveBytes();
        float first = Float.NaN;
        float last = Float.NaN;
        for (int i = 0; i < 1000; i++) {
            float loss = step(w1, b1, w2, x, target);
            if (i == 0) {
                first = loss;
            }
            last = loss;
        }
        long afterSteps = MemoryStats.liveBytes();
        settleGarbage();
        // scoped intermediates are freed at once; only tiny GC-owned scalars (loss.item() reads none) may linger
        assertTrue(afterSteps - baseline <= 64 * 1024, "off-heap bytes grew by " + (afterSteps - baseline) + " over 1000 steps");
        assertTrue(MemoryStats.liveBytes() <= baseline, "after GC: " + MemoryStats.liveBytes() + " > baseline " + baseline);
        assertTrue(last < first, "the MLP learned something: " + first + " -> " + last);
    }

    /** Lets the garbage collector free storages that earlier tests left unreachable, until the count is stable. */
    private static void settleGarbage() {
        long previous = -1;
        for (int i = 0; i < 20 && MemoryStats.liveBytes() != previous; i++) {
            previous = MemoryStats.liveBytes();
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static float step(Tensor w1, Tensor b1, Tensor w2, Tensor x, Tensor target) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor h = Linalg.linear(x, w1, b1).gelu();
            Tensor loss = dev.llava4j.tensor.ops.Functional.crossEntropy(Linalg.linear(h, w2, null), target, -100);
            for (Tensor p : new Tensor[]{w1, b1, w2}) {
                p.zeroGrad();
            }
            loss.backward();
            try (GradMode.Guard ng = GradMode.noGrad()) {
                for (Tensor p : new Tensor[]{w1, b1, w2}) {
                    p.addInPlace(p.grad().mul(-0.1));
                }
            }
            return loss.item();
        }
    }

    @Test
    void releasedTensorsThrowInsteadOfCrashing() {
        Tensor t = Tensor.ones(4);
        Tensor view = t.narrow(0, 1, 2);
        t.release();
        assertTrue(t.isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> view.add(1.0));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
        assertThrows(IllegalStateException.class, t::item);
    }

    @Test
    void scopeFreesItsTensorsButKeepsWhatIsKept() {
        settleGarbage();
        long before = MemoryStats.liveBytes();
        Tensor kept;
        Tensor dropped;
        try (TensorScope s = TensorScope.open()) {
            dropped = Tensor.zeros(1000);
            kept = s.keep(Tensor.ones(10));
        }
        assertTrue(dropped.isReleased());
        assertEquals(before + 40, MemoryStats.liveBytes(), "only the kept 10 floats remain");
        assertEquals(1f, kept.getFloat(9));
        kept.release();
        assertEquals(before, MemoryStats.liveBytes());
    }

    @Test
    void nestedScopesHandKeptTensorsToTheParent() {
        Tensor inner;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope in = TensorScope.open()) {
                inner = in.keep(Tensor.ones(3));
            }
            assertEquals(3f, inner.sum().item());
        }
        assertTrue(inner.isReleased());
    }
}
