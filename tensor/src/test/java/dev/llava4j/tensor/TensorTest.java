package dev.llava4j.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shapes, views sharing storage, creation, conversions and printing. */
class TensorTest {

    private static Tensor range(int... shape) {
        return Tensor.arange(0, Shape.numel(shape), 1, DType.F32).reshape(shape);
    }

    @Test
    void viewsShareStorageAndIndexCorrectly() {
        Tensor t = range(2, 3, 4);
        Tensor p = t.permute(2, 0, 1);
        assertArrayEquals(new int[]{4, 2, 3}, p.shape());
        assertSame(t.storage(), p.storage());
        assertEquals(t.getFloat(1, 2, 3), p.getFloat(3, 1, 2));
        Tensor n = t.narrow(2, 1, 2);
        assertEquals(t.getFloat(1, 0, 2), n.getFloat(1, 0, 1));
        Tensor s = t.slice(2, 0, 4, 3);
        assertArrayEquals(new float[]{0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23}, s.toFloatArray());
        Tensor sel = t.select(1, 2);
        assertArrayEquals(new int[]{2, 4}, sel.shape());
        assertEquals(t.getFloat(1, 2, 0), sel.getFloat(1, 0));
        Tensor e = Tensor.of(new float[]{1, 2, 3}, 3, 1).expand(3, 4);
        assertEquals(0, e.stride(1));
        assertEquals(2f, e.getFloat(1, 3));
        Tensor u = t.unsqueeze(1);
        assertArrayEquals(new int[]{2, 1, 3, 4}, u.shape());
        assertArrayEquals(new int[]{2, 3, 4}, u.squeeze(1).shape());
        assertArrayEquals(new int[]{3}, Tensor.zeros(1, 3, 1).squeeze().shape());
        // writing through a view changes the base
        n.fill(-1);
        assertEquals(-1f, t.getFloat(0, 0, 1));
    }

    @Test
    void reshapeCopiesOnlyWhenNeeded() {
        Tensor t = range(2, 6);
        assertSame(t.storage(), t.reshape(3, 4).storage());
        assertArrayEquals(new int[]{4, 3}, t.reshape(4, -1).shape());
        Tensor tr = t.mT();
        assertFalse(tr.isContiguous());
        Tensor r = tr.reshape(12);
        assertTrue(r.storage() != t.storage());
        assertArrayEquals(new float[]{0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}, r.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(5, -1));
        assertThrows(IllegalStateException.class, () -> tr.view(12));
    }

    @Test
    void creation() {
        assertArrayEquals(new long[]{0, 1, 2, 3}, Tensor.arange(4).toLongArray());
        assertArrayEquals(new float[]{0f, 0.25f, 0.5f, 0.75f, 1f}, Tensor.linspace(0, 1, 5).toFloatArray());
        assertArrayEquals(new float[]{1, 0, 0, 1}, Tensor.eye(2).toFloatArray());
        assertArrayEquals(new float[]{7, 7}, Tensor.full(7, 2).toFloatArray());
        Tensor a = Tensor.randn(new Generator(5), 1000);
        Tensor b = Tensor.randn(new Generator(5), 1000);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray(), "same seed, same numbers");
        assertEquals(0, a.mean().item(), 0.1);
        assertEquals(1, a.var(0, false, 1).item(), 0.15);
        float[] u = Tensor.uniform(new Generator(1), -2, 3, 500).toFloatArray();
        for (float v : u) {
            assertTrue(v >= -2 && v < 3);
        }
    }

    @Test
    void dtypeConversionsRoundToNearestEvenAndKeepSpecials() {
        // 1 + 2^-8 is halfway between the bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1.0);
        // 1 + 3*2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: the even one is 1 + 2^-6
        Tensor x = Tensor.of(new float[]{1f + 0x1p-8f, 1f + 3 * 0x1p-8f, Float.NaN, Float.POSITIVE_INFINITY, 1f + 0x1p-11f, 65520f}, 6);
        float[] bf = x.to(DType.BF16).to(DType.F32).toFloatArray();
        assertEquals(1f, bf[0]);
        assertEquals(1f + 0x1p-6f, bf[1]);
        assertTrue(Float.isNaN(bf[2]));
        assertEquals(Float.POSITIVE_INFINITY, bf[3]);
        float[] h = x.to(DType.F16).to(DType.F32).toFloatArray();
        assertEquals(1f + 0x1p-8f, h[0], "exactly representable in F16");
        assertEquals(1f, h[4], "1 + 2^-11 is an F16 tie, rounded to even");
        assertTrue(Float.isNaN(h[2]));
        assertEquals(Float.POSITIVE_INFINITY, h[5], "65520 overflows F16 to infinity under round-to-nearest-even");
        assertArrayEquals(new long[]{2, -2, 0}, Tensor.of(new float[]{2.7f, -2.7f, 0.2f}, 3).to(DType.I64).toLongArray(),
                "float to int truncates toward zero");
        assertArrayEquals(new float[]{1, 0, 1}, Tensor.of(new float[]{3, 0, -1}, 3).to(DType.BOOL).to(DType.F32).toFloatArray());
        assertEquals(200, Tensor.of(new double[]{200}, DType.U8, 1).to(DType.I32).getLong(0));
    }

    @Test
    void elementwiseBroadcastAndPromotion() {
        Tensor a = range(2, 3);
        Tensor b = Tensor.of(new float[]{10, 20, 30}, 3);
        assertArrayEquals(new float[]{10, 21, 32, 13, 24, 35}, a.add(b).toFloatArray());
        assertEquals(DType.BF16, a.to(DType.BF16).mul(2.0).dtype(), "a scalar keeps the tensor's dtype");
        assertEquals(DType.F32, a.to(DType.BF16).add(a).dtype());
        assertEquals(DType.BOOL, a.gt(2.0).dtype());
        assertThrows(IllegalArgumentException.class, () -> a.add(range(2, 2)));
    }

    @Test
    void reductionsAndIndices() {
        Tensor t = Tensor.of(new float[]{3, 1, 4, 1, 5, 9, 2, 6}, 2, 4);
        assertArrayEquals(new float[]{9, 22}, t.sum(1, false).toFloatArray());
        assertArrayEquals(new int[]{2, 1}, t.sum(1, true).shape());
        assertArrayEquals(new long[]{2, 1}, t.argmax(1, false).toLongArray());
        assertArrayEquals(new float[]{1, 2}, t.min(1, false).values().toFloatArray());
        assertArrayEquals(new long[]{1, 2}, t.min(1, false).indices().toLongArray(), "first index of ties");
        assertEquals(9f, t.max().item());
        assertEquals(31f / 8, t.mean().item(), 1e-6);
    }

    @Test
    void printsLikePyTorch() {
        assertEquals("tensor([[0., 1., 2.],\n        [3., 4., 5.]])", range(2, 3).toString());
        assertEquals("tensor([ 1.5000, -2.2500])", Tensor.of(new float[]{1.5f, -2.25f}, 2).toString());
        assertEquals("tensor([1, 2])", Tensor.ofLongs(new long[]{1, 2}).toString());
        String big = Tensor.zeros(2000).toString();
        assertTrue(big.contains("..."), big);
        Tensor w = Tensor.ones(2).requiresGrad(true);
        assertEquals("tensor([1., 1.], requires_grad=True)", w.toString());
        assertTrue(w.mul(2.0).toString().endsWith("grad_fn=<MULBackward>)"));
    }

    @Test
    void badArgumentsGiveClearErrors() {
        Tensor t = range(2, 3);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> t.getFloat(2, 0));
        assertTrue(e.getMessage().contains("out of range"));
        assertThrows(IllegalArgumentException.class, () -> t.matmul(range(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> t.permute(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[]{1, 2, 3}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofLongs(new long[]{1}).requiresGrad(true));
    }
}
