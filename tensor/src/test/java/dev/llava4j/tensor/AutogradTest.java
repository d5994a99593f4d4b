package dev.llava4j.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Graph recording, accumulation, detach and grad-mode semantics. */
class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor w = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
        w.mul(w).sum().backward();
        assertArrayEquals(new float[]{2, 4, 6}, w.grad().toFloatArray());
        w.mul(3.0).sum().backward();
        assertArrayEquals(new float[]{5, 7, 9}, w.grad().toFloatArray());
        w.zeroGrad();
        assertArrayEquals(new float[]{0, 0, 0}, w.grad().toFloatArray());
    }

    @Test
    void releasedGradientIsFreedAndTheNextBackwardStartsFresh() {
        Tensor w = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
        w.mul(w).sum().backward();
        Tensor first = w.grad();
        w.releaseGrad();
        assertNull(w.grad());
        assertTrue(first.isReleased());
        w.mul(3.0).sum().backward();
        assertArrayEquals(new float[]{3, 3, 3}, w.grad().toFloatArray());
        w.releaseGrad();
        w.releaseGrad();  // nothing left to free: no error
        assertNull(w.grad());
    }

    @Test
    void broadcastGradientsSumBackToInputShape() {
        Tensor b = Tensor.of(new float[]{1, 2}, 2).requiresGrad(true);
        Tensor x = Tensor.ones(3, 2);
        x.add(b).sum().backward();
        assertArrayEquals(new float[]{3, 3}, b.grad().toFloatArray());
    }

    @Test
    void backwardWithUpstreamGradientThroughViews() {
        Tensor a = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = a.mT().narrow(0, 1, 2);
        y.backward(Tensor.of(new float[]{1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new float[]{0, 1, 3, 0, 2, 4}, a.grad().toFloatArray());
    }

    @Test
    void noGradAndDetachRecordNothing() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor y = w.mul(2.0);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
        }
        assertTrue(GradMode.isEnabled());
        Tensor d = w.detach();
        assertFalse(d.requiresGrad());
        assertTrue(w.mul(2.0).requiresGrad());
    }

    @Test
    void misuseIsReported() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        assertThrows(IllegalStateException.class, () -> Tensor.ones(2).sum().backward(), "no grad required");
        assertThrows(IllegalStateException.class, () -> w.mul(2.0).backward(), "non-scalar without gradient");
        assertThrows(IllegalArgumentException.class, () -> w.mul(2.0).backward(Tensor.ones(3)));
        assertThrows(IllegalStateException.class, () -> w.fill(0), "in-place on a leaf requiring grad");
    }

    @Test
    void diamondGraphAddsBothPaths() {
        Tensor x = Tensor.of(new float[]{2}, 1).requiresGrad(true);
        Tensor a = x.mul(3.0);
        Tensor b = x.square();
        a.mul(b).sum().backward(); // d(3x * x^2)/dx = 9x^2 = 36
        assertEquals(36f, x.grad().item(), 1e-5);
    }

    @Test
    void aGradientComputedInsideAScopeOutlivesIt() {
        Tensor w = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
        Tensor c = Tensor.of(new float[]{4, 5, 6}, 3);
        try (TensorScope step = TensorScope.open()) {
            w.mul(c).sum().backward(); // the product rule's fresh g * c becomes .grad without a copy
        }
        assertFalse(w.grad().isReleased());
        assertArrayEquals(new float[]{4, 5, 6}, w.grad().toFloatArray());
    }

    @Test
    void oneGradientHandedToTwoLeavesGivesEachItsOwnMemory() {
        Tensor p1 = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor p2 = Tensor.of(new float[]{5, 6, 7, 8}, 4).requiresGrad(true);
        Tensor c = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2);
        try (TensorScope step = TensorScope.open()) {
            // the add rule hands the product rule's fresh gradient to p1 and, through a reshape view, to p2
            p1.add(p2.reshape(2, 2)).mul(c).sum().backward();
        }
        assertNotSame(p1.grad().storage(), p2.grad().storage());
        p1.grad().addInPlace(Tensor.ones(2, 2));
        assertArrayEquals(new float[]{2, 3, 4, 5}, p1.grad().toFloatArray());
        assertArrayEquals(new float[]{1, 2, 3, 4}, p2.grad().toFloatArray());
    }

    @Test
    void aCallersUpstreamGradientIsNeverTakenAsGrad() {
        Tensor w = Tensor.of(new float[]{1, 2}, 2).requiresGrad(true);
        Tensor upstream = Tensor.of(new float[]{3, 4}, 2);
        w.backward(upstream);
        assertNotSame(upstream.storage(), w.grad().storage());
        w.grad().addInPlace(Tensor.ones(2));
        assertArrayEquals(new float[]{3, 4}, upstream.toFloatArray());
    }

    @Test
    void linearWeightGradientIsTheUpstreamTransposedTimesTheInput() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor w = Tensor.of(new float[]{1, 0, -1, 2, 1, 0}, 2, 3).requiresGrad(true);
        Tensor gy = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2);
        dev.llava4j.tensor.ops.Linalg.linear(x, w, null).backward(gy);
        // dW = gyᵀ · x (computed in W's layout, not as (xᵀ · gy)ᵀ): row o = sum over samples of gy[s][o] * x[s]
        assertArrayEquals(new float[]{1 + 3 * 4, 2 + 3 * 5, 3 + 3 * 6, 2 + 4 * 4, 2 * 2 + 4 * 5, 2 * 3 + 4 * 6},
                w.grad().toFloatArray());
    }
}
