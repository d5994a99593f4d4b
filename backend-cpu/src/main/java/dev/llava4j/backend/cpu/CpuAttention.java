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
    private static long base(Tensor t, int a, int b, int c) {
        int[] s = t.strides();
        return t.offset() + (long) a * s[0] + (long) b * s[1] + (long) c * s[2];
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

    /** Row-at-a-time forward for a few queries (decoding with a KV cache), where GEMM blocks would be mostly empty. */
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
        // keys transposed once per (batch, kv head) so that a query's scores against 8 keys at a time are plain
        // vertical FMAs (no per-key horizontal sums)
        int hkv = k.size(1);
        float[][] keysT = new float[bs * hkv][];
        Parallel.parallelFor(bs * hkv, t -> keysT[t] = transposeKeys(k, ks, t / hkv, t % hkv, tk, d));
        int rows = bs * heads * tq;
        Parallel.parallelRange(rows, Math.max(1, 64 / Math.max(1, tk / 256)), (from, to) -> {
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
                float[] kt = keysT[b * hkv + kh];
                int keyEnd = causal ? Math.min(tk, i + (tk - tq) + 1) : tk;
                float m = Float.NEGATIVE_INFINITY;
                float l = 0;
                java.util.Arrays.fill(acc, 0f);
                for (int j0 = 0; j0 < keyEnd; j0 += KEY_TILE) {
                    int n = Math.min(KEY_TILE, keyEnd - j0);
                    scoreTile(qRow, kt, tk, j0, n, scores);
                    float tileMax = Float.NEGATIVE_INFINITY;
                    for (int jj = 0; jj < n; jj++) {
                        if (ms != null) {
                            scores[jj] += ms.getAtIndex(F, base(mask, b, h, i) + (long) (j0 + jj) * mask.stride(3));
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
                        float p = (float) Math.exp(scores[jj] - newMax);
                        if (p == 0f) {
                            continue;
                        }
                        l += p;
                        addScaledRow(acc, p, vs, base(v, b, kh, j0 + jj), dv);
                    }
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

    /** Keys of one (batch, kv head) as [D][Tk]. */
    private static float[] transposeKeys(Tensor k, MemorySegment ks, int b, int kh, int tk, int d) {
        float[] out = new float[d * tk];
        for (int j = 0; j < tk; j++) {
            long ko = base(k, b, kh, j);
            for (int c = 0; c < d; c++) {
                out[c * tk + j] = ks.getAtIndex(F, ko + c);
            }
        }
        return out;
    }

    /** scores[jj] = q · key(j0 + jj) for jj < n, vectorised across keys. */
    private static void scoreTile(float[] q, float[] kt, int tk, int j0, int n, float[] scores) {
        int jj = 0;
        for (int bound = S.loopBound(n); jj < bound; jj += S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0; c < q.length; c++) {
                acc = FloatVector.fromArray(S, kt, c * tk + j0 + jj).fma(FloatVector.broadcast(S, q[c]), acc);
            }
            acc.intoArray(scores, jj);
        }
        for (; jj < n; jj++) {
            float sum = 0;
            for (int c = 0; c < q.length; c++) {
                sum += q[c] * kt[c * tk + j0 + jj];
            }
            scores[jj] = sum;
        }
    }

    /** acc[c] += p * v[c]. */
    private static void addScaledRow(float[] acc, float p, MemorySegment vs, long vo, int n) {
        int c = 0;
        FloatVector pv = FloatVector.broadcast(S, p);
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            FloatVector a = FloatVector.fromArray(S, acc, c);
            Rows.load(vs, vo, c).fma(pv, a).intoArray(acc, c);
        }
        for (; c < n; c++) {
            acc[c] += p * vs.getAtIndex(F, vo + c);
        }
    }
}
