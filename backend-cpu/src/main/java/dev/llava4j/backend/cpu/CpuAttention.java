package dev.llava4j.backend.cpu;

import dev.llava4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.llava4j.backend.cpu.Rows.F;
import static dev.llava4j.backend.cpu.Rows.S;

/**
 * Attention on F32 with unit stride along the head dimension; no [Tq, Tk] score matrix is ever built. Many queries
 * (prefill, training) go to {@link BlockedAttention} (tiles of keys, online softmax); a few (decoding) are handled
 * row by row here, with one row of scores per thread.
 */
final class CpuAttention {
    /** From this many queries on, the blocked GEMM formulation is faster than rows. */
    private static final int BLOCKED_MIN_QUERIES = 16;

    private CpuAttention() {
    }

    /** Storage offset of element (a, b, c, 0) of a 4-d view. */
    static long base(Tensor t, int a, int b, int c) {
        return t.offset() + (long) a * t.stride(0) + (long) b * t.stride(1) + (long) c * t.stride(2);
    }

    static boolean supported(Tensor q, Tensor k, Tensor v, Tensor mask) {
        return CpuElementwise.allF32(q, k, v) && q.stride(3) == 1 && k.stride(3) == 1 && v.stride(3) == 1
                && (mask == null || mask.dtype() == dev.llava4j.tensor.DType.F32);
    }

    static void forward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out, Tensor lse) {
        if (q.size(2) >= BLOCKED_MIN_QUERIES) {
            BlockedAttention.forward(q, k, v, mask, causal, scale, out, lse);
        } else {
            forwardRows(q, k, v, mask, causal, scale, out, lse);
        }
    }

    /** gq, gk, gv are contiguous; gk and gv are zero on entry. */
    static void backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out,
                         Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        BlockedAttention.backward(q, k, v, mask, causal, scale, out, lse, gOut, gq, gk, gv);
    }

    /**
     * Row-at-a-time forward for a few queries (decoding with a KV cache), where GEMM blocks would be mostly empty:
     * one dot product per key read straight from the cache (transposing the whole cache for every decoded token
     * cost more than the attention itself), then a softmax over the whole row of scores (a few KB even for long
     * contexts, so no online rescaling), then one pass over the values with the output row held in registers.
     * Each head thus streams its keys once and its values once; the earlier tiled version, which reread every tile of
     * values four times (two vectors of the output per pass), ran 0.66-0.77 ms per layer of a 7B decode step at 600
     * keys against 0.47-0.56 ms for a probe copy of this one (2 threads, caches cold, Zen 5 VM, 9 alternated runs).
     */
    private static void forwardRows(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out,
                                    Tensor lse) {
        int bs = q.size(0);
        int heads = q.size(1);
        int tq = q.size(2);
        int d = q.size(3);
        int tk = k.size(2);
        int dv = v.size(3);
        int group = heads / k.size(1);
        MemorySegment qs = q.segment();
        MemorySegment ks = k.segment();
        MemorySegment vs = v.segment();
        MemorySegment os = out.segment();
        MemorySegment ls = lse.segment();
        MemorySegment ms = mask == null ? null : mask.segment();
        int rows = bs * heads * tq;
        // about 64K multiply-adds per chunk at least: one decode step's heads still spread over the threads
        int grain = (int) Math.max(1, (1L << 16) / Math.max(1L, (long) tk * (d + dv)));
        Parallel.parallelRange(rows, grain, (from, to) -> {
            float[] scores = new float[Math.max(tk, 1)];
            float[] qRow = new float[d];
            for (int row = from; row < to; row++) {
                int i = row % tq;
                int h = (row / tq) % heads;
                int b = row / (tq * heads);
                int kh = h / group;
                long qo = base(q, b, h, i);
                for (int c = 0; c < d; c++) {
                    qRow[c] = qs.getAtIndex(F, qo + c) * scale;
                }
                int keyEnd = causal ? Math.min(tk, i + (tk - tq) + 1) : tk;
                // element offsets hoisted out of the key loops (Tensor.strides() copies its array)
                long key0 = base(k, b, kh, 0);
                long keyStep = k.stride(2);
                long mask0 = ms == null ? 0 : base(mask, b, h, i);
                long maskStep = ms == null ? 0 : mask.stride(3);
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < keyEnd; j++) {
                    float score = Rows.dot(qRow, ks, key0 + j * keyStep, d);
                    if (ms != null) {
                        score += ms.getAtIndex(F, mask0 + j * maskStep);
                    }
                    scores[j] = score;
                    m = Math.max(m, score);
                }
                long oo = base(out, b, h, i);
                if (m == Float.NEGATIVE_INFINITY) { // no key, or every key masked: a zero row, like the blocked path
                    for (int c = 0; c < dv; c++) {
                        os.setAtIndex(F, oo + c, 0f);
                    }
                    ls.setAtIndex(F, row, Float.NEGATIVE_INFINITY);
                    continue;
                }
                float l = Rows.expInPlace(scores, keyEnd, m);
                weightedRows(scores, keyEnd, vs, base(v, b, kh, 0), v.stride(2), 1f / l, os, oo, dv);
                ls.setAtIndex(F, row, m + (float) Math.log(l));
            }
        });
    }

    /**
     * out[c] = scale * (sum over j &lt; n of p[j] * v[vo + j*step + c]): eight vectors of the output stay in registers
     * while the value rows stream past once (a whole 128-wide head on 512-bit lanes), so each row is read one time.
     */
    private static void weightedRows(float[] p, int n, MemorySegment vs, long vo, long step, float scale,
                                     MemorySegment os, long oo, int dv) {
        int lanes = S.length();
        int c = 0;
        for (; c + 8 * lanes <= dv; c += 8 * lanes) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            for (int j = 0; j < n; j++) {
                FloatVector pv = FloatVector.broadcast(S, p[j]);
                long row = vo + j * step + c;
                a0 = Rows.load(vs, row, 0).fma(pv, a0);
                a1 = Rows.load(vs, row, lanes).fma(pv, a1);
                a2 = Rows.load(vs, row, 2 * lanes).fma(pv, a2);
                a3 = Rows.load(vs, row, 3 * lanes).fma(pv, a3);
                a4 = Rows.load(vs, row, 4 * lanes).fma(pv, a4);
                a5 = Rows.load(vs, row, 5 * lanes).fma(pv, a5);
                a6 = Rows.load(vs, row, 6 * lanes).fma(pv, a6);
                a7 = Rows.load(vs, row, 7 * lanes).fma(pv, a7);
            }
            long o = oo + c;
            Rows.store(a0.mul(scale), os, o, 0);
            Rows.store(a1.mul(scale), os, o, lanes);
            Rows.store(a2.mul(scale), os, o, 2 * lanes);
            Rows.store(a3.mul(scale), os, o, 3 * lanes);
            Rows.store(a4.mul(scale), os, o, 4 * lanes);
            Rows.store(a5.mul(scale), os, o, 5 * lanes);
            Rows.store(a6.mul(scale), os, o, 6 * lanes);
            Rows.store(a7.mul(scale), os, o, 7 * lanes);
        }
        for (; c + lanes <= dv; c += lanes) {
            FloatVector a = FloatVector.zero(S);
            for (int j = 0; j < n; j++) {
                a = Rows.load(vs, vo + j * step + c, 0).fma(FloatVector.broadcast(S, p[j]), a);
            }
            Rows.store(a.mul(scale), os, oo + c, 0);
        }
        for (; c < dv; c++) {
            float sum = 0;
            for (int j = 0; j < n; j++) {
                sum += p[j] * vs.getAtIndex(F, vo + j * step + c);
            }
            os.setAtIndex(F, oo + c, sum * scale);
        }
    }
}
