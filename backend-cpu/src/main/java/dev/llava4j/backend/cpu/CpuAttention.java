package dev.llava4j.backend.cpu;

import dev.llava4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.llava4j.backend.cpu.Rows.F;
import static dev.llava4j.backend.cpu.Rows.S;

/**
 * Flash-style attention on F32 with unit stride along the head dimension: keys are visited in tiles with an online
 * softmax (running max and sum), so no [Tq, Tk] score matrix is ever built; only one tile of scores per thread.
 * Many queries (prefill, training) go to {@link BlockedAttention}; a few (decoding) are handled row by row here.
 */
final class CpuAttention {
    private static final int KEY_TILE = 128;
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
     * cost more than the attention itself).
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
            float[] scores = new float[KEY_TILE];
            float[] acc = new float[dv];
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
                long value0 = base(v, b, kh, 0);
                long keyStep = k.stride(2);
                long valueStep = v.stride(2);
                long mask0 = ms == null ? 0 : base(mask, b, h, i);
                long maskStep = ms == null ? 0 : mask.stride(3);
                float m = Float.NEGATIVE_INFINITY;
                float l = 0;
                java.util.Arrays.fill(acc, 0f);
                for (int j0 = 0; j0 < keyEnd; j0 += KEY_TILE) {
                    int n = Math.min(KEY_TILE, keyEnd - j0);
                    for (int jj = 0; jj < n; jj++) {
                        scores[jj] = Rows.dot(qRow, ks, key0 + (j0 + jj) * keyStep, d);
                    }
                    float tileMax = Float.NEGATIVE_INFINITY;
                    for (int jj = 0; jj < n; jj++) {
                        if (ms != null) {
                            scores[jj] += ms.getAtIndex(F, mask0 + (j0 + jj) * maskStep);
                        }
                        tileMax = Math.max(tileMax, scores[jj]);
                    }
                    if (tileMax == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    float newMax = Math.max(m, tileMax);
                    float correction = m == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m - newMax);
                    if (correction != 1f) {
                        for (int c = 0; c < dv; c++) {
                            acc[c] *= correction;
                        }
                    }
                    l *= correction;
                    for (int jj = 0; jj < n; jj++) {
                        scores[jj] = (float) Math.exp(scores[jj] - newMax);
                        l += scores[jj];
                    }
                    addWeightedRows(acc, scores, n, vs, value0 + j0 * valueStep, valueStep);
                    m = newMax;
                }
                long oo = base(out, b, h, i);
                float inv = l == 0 ? 0f : 1f / l;
                for (int c = 0; c < dv; c++) {
                    os.setAtIndex(F, oo + c, acc[c] * inv);
                }
                ls.setAtIndex(F, row, l == 0 ? Float.NEGATIVE_INFINITY : m + (float) Math.log(l));
            }
        });
    }

    /**
     * acc[c] += sum over jj &lt; n of p[jj] * v[vo + jj*step + c]: two vectors of acc stay in registers while the
     * keys stream past, instead of a load and store of all of acc per key.
     */
    private static void addWeightedRows(float[] acc, float[] p, int n, MemorySegment vs, long vo, long step) {
        int dv = acc.length;
        int lanes = S.length();
        int c = 0;
        for (; c + 2 * lanes <= dv; c += 2 * lanes) {
            FloatVector a0 = FloatVector.fromArray(S, acc, c);
            FloatVector a1 = FloatVector.fromArray(S, acc, c + lanes);
            for (int jj = 0; jj < n; jj++) {
                FloatVector pv = FloatVector.broadcast(S, p[jj]);
                long row = vo + jj * step;
                a0 = Rows.load(vs, row, c).fma(pv, a0);
                a1 = Rows.load(vs, row, c + lanes).fma(pv, a1);
            }
            a0.intoArray(acc, c);
            a1.intoArray(acc, c + lanes);
        }
        for (; c < dv; c++) {
            float sum = acc[c];
            for (int jj = 0; jj < n; jj++) {
                sum += p[jj] * vs.getAtIndex(F, vo + jj * step + c);
            }
            acc[c] = sum;
        }
    }
}
