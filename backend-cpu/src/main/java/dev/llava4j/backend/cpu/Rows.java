package dev.llava4j.backend.cpu;

import dev.llava4j.backend.cpu.kernel.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Vector building blocks over contiguous F32 runs of memory (offsets in elements). */
final class Rows {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private Rows() {
    }

    static FloatVector load(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(S, s, off * 4, LE);
    }

    static void store(FloatVector v, MemorySegment s, long off) {
        v.intoMemorySegment(s, off * 4, LE);
    }

    /*
     * Element i of a row that starts at element base. Loops should use these with their int counter as i: the JIT
     * hoists the segment bounds checks out of a loop only for byte offsets of the shape base * 4 + i * 4, not
     * (base + i) * 4, and the difference is about 2x on streaming kernels. After a long vector formula call
     * intoMemorySegment directly instead of store(): the JIT stops inlining our own methods once a loop has grown
     * large (NodeCountInliningCutoff), and a store() left as a call boxes every vector (2-3x slower).
     */
    static FloatVector load(MemorySegment s, long base, int i) {
        return FloatVector.fromMemorySegment(S, s, base * 4 + i * 4L, LE);
    }

    static void store(FloatVector v, MemorySegment s, long base, int i) {
        v.intoMemorySegment(s, base * 4 + i * 4L, LE);
    }

    static float max(MemorySegment s, long off, int n) {
        int i = 0;
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            acc = acc.max(load(s, off, i));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, s.getAtIndex(F, off + i));
        }
        return m;
    }

    static float min(MemorySegment s, long off, int n) {
        int i = 0;
        FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            acc = acc.min(load(s, off, i));
        }
        float m = acc.reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) {
            m = Math.min(m, s.getAtIndex(F, off + i));
        }
        return m;
    }

    static float sum(MemorySegment s, long off, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            acc = acc.add(load(s, off, i));
        }
        float m = Lanes.sum(acc);
        for (; i < n; i++) {
            m += s.getAtIndex(F, off + i);
        }
        return m;
    }

    static float dot(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            acc = load(a, ao, i).fma(load(b, bo, i), acc);
        }
        float m = Lanes.sum(acc);
        for (; i < n; i++) {
            m += a.getAtIndex(F, ao + i) * b.getAtIndex(F, bo + i);
        }
        return m;
    }

    /** Dot product of a float[] with n contiguous floats of a segment starting at element bo. */
    static float dot(float[] a, MemorySegment b, long bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, a, i).fma(load(b, bo, i), acc);
        }
        float m = Lanes.sum(acc);
        for (; i < n; i++) {
            m += a[i] * b.getAtIndex(F, bo + i);
        }
        return m;
    }

    /** sum of exp(x - shift) over the row. */
    static float sumExp(MemorySegment s, long off, int n, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            acc = acc.add(VectorMath.exp(load(s, off, i).sub(shift)));
        }
        float m = Lanes.sum(acc);
        for (; i < n; i++) {
            m += (float) Math.exp(s.getAtIndex(F, off + i) - shift);
        }
        return m;
    }

    /**
     * y[i] = e^(x[i] - shift), returning their sum; the sum and every value are the same as {@link #sumExp}'s and a
     * later e^(x[i] - shift), so softmax exponentiates once instead of twice.
     */
    static float expInto(MemorySegment x, long xo, MemorySegment y, long yo, int n, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            FloatVector e = VectorMath.exp(load(x, xo, i).sub(shift));
            acc = acc.add(e);
            e.intoMemorySegment(y, yo * 4 + i * 4L, LE);
        }
        float m = Lanes.sum(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(x.getAtIndex(F, xo + i) - shift);
            m += e;
            y.setAtIndex(F, yo + i, e);
        }
        return m;
    }

    /** x[i] = e^(x[i] - shift) for i &lt; n, in place, returning their sum (as {@link #expInto}, on a heap array). */
    static float expInPlace(float[] x, int n, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, i).sub(shift));
            acc = acc.add(e);
            e.intoArray(x, i);
        }
        float m = Lanes.sum(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[i] - shift);
            m += e;
            x[i] = e;
        }
        return m;
    }

    /** y[i] += alpha * x[i]. */
    static void axpy(float alpha, MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            store(load(x, xo, i).fma(va, load(y, yo, i)), y, yo, i);
        }
        for (; i < n; i++) {
            y.setAtIndex(F, yo + i, y.getAtIndex(F, yo + i) + alpha * x.getAtIndex(F, xo + i));
        }
    }

    /** y[i] *= alpha. */
    static void scale(float alpha, MemorySegment y, long yo, int n) {
        int i = 0;
        for (int b = S.loopBound(n); i < b; i += S.length()) {
            store(load(y, yo, i).mul(alpha), y, yo, i);
        }
        for (; i < n; i++) {
            y.setAtIndex(F, yo + i, y.getAtIndex(F, yo + i) * alpha);
        }
    }
}
