package dev.llava4j.backend.cpu;

import dev.llava4j.backend.cpu.kernel.Sgemm;
import dev.llava4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.llava4j.backend.cpu.Rows.F;
import static dev.llava4j.backend.cpu.Rows.S;

/**
 * Flash attention on blocks of queries, for prefill and training: every product (Q·Kᵀ, P·V and the five of the
 * backward pass) is a small GEMM on the packed SGEMM kernel instead of per-key dot products, and the
 * softmax works row-wise on a [queries, keys] tile that stays in L2. The forward pass walks key tiles with an
 * online softmax; the backward pass recomputes P from the saved log-sum-exp (no stored probabilities), one task
 * per (batch, kv head) so that a task's key and value gradients are written by no other thread.
 */
final class BlockedAttention {
    /** Query rows per block: 64 rows of scores over a 256-key tile is 64 KB. */
    static final int QUERY_BLOCK = 64;
    /** Keys per tile of the forward pass. */
    private static final int KEY_TILE = 256;

    private BlockedAttention() {
    }

    /** Shapes and strides of one attention call, with (b, h, i) element offsets. */
    private record Problem(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale) {
        int heads() {
            return q.size(1);
        }

        int group() {
            return q.size(1) / k.size(1);
        }

        int tq() {
            return q.size(2);
        }

        int tk() {
            return k.size(2);
        }

        int d() {
            return q.size(3);
        }

        int dv() {
            return v.size(3);
        }

        /** Keys query row i may see: all, or up to its causal diagonal (queries are the last tq positions). */
        int keyLimit(int i) {
            return causal ? Math.max(0, Math.min(tk(), i + (tk() - tq()) + 1)) : tk();
        }
    }

    static void forward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out,
                        Tensor lse) {
        Problem p = new Problem(q, k, v, mask, causal, scale);
        int blocks = (p.tq() + QUERY_BLOCK - 1) / QUERY_BLOCK;
        int tasks = q.size(0) * p.heads() * blocks;
        Parallel.parallelFor(tasks, task -> {
            int block = task % blocks;
            int h = (task / blocks) % p.heads();
            int b = task / (blocks * p.heads());
            forwardBlock(p, b, h, block * QUERY_BLOCK, Math.min(p.tq(), (block + 1) * QUERY_BLOCK), out, lse);
        });
    }

    private static void forwardBlock(Problem p, int b, int h, int i0, int i1, Tensor out, Tensor lse) {
        int rows = i1 - i0;
        int dv = p.dv();
        int kh = h / p.group();
        float[] scores = new float[rows * KEY_TILE];
        float[] acc = new float[rows * dv];
        float[] rowMax = new float[rows];
        float[] rowSum = new float[rows];
        Arrays.fill(rowMax, Float.NEGATIVE_INFINITY);
        MemorySegment scoreSeg = MemorySegment.ofArray(scores);
        MemorySegment accSeg = MemorySegment.ofArray(acc);
        int keyEnd = p.keyLimit(i1 - 1);
        for (int j0 = 0; j0 < keyEnd; j0 += KEY_TILE) {
            int n = Math.min(KEY_TILE, keyEnd - j0);
            queryKeyScores(p, b, h, i0, rows, j0, n, scores);
            for (int r = 0; r < rows; r++) {
                int limit = Math.min(n, p.keyLimit(i0 + r) - j0);
                int row = r * n;
                float tileMax = maskAndMax(p, b, h, i0 + r, j0, limit, n, scores, row);
                float newMax = Math.max(rowMax[r], tileMax);
                if (newMax == Float.NEGATIVE_INFINITY) {
                    Arrays.fill(scores, row, row + n, 0f); // nothing visible yet: the row contributes nothing
                    continue;
                }
                float correction = rowMax[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(rowMax[r] - newMax);
                if (correction != 1f) {
                    scaleRow(acc, r * dv, dv, correction);
                }
                rowSum[r] = rowSum[r] * correction + expShifted(scores, row, n, newMax);
                rowMax[r] = newMax;
            }
            // acc += P · V[j0 : j0 + n]
            Sgemm.sgemm(rows, dv, n, 1f, scoreSeg, 0, n, 1,
                    p.v().segment(), CpuAttention.base(p.v(), b, kh, j0), p.v().stride(2), 1, 1f, accSeg, 0, dv);
        }
        MemorySegment os = out.segment();
        MemorySegment ls = lse.segment();
        for (int r = 0; r < rows; r++) {
            float l = rowSum[r];
            float inv = l == 0 ? 0f : 1f / l;
            long o = CpuAttention.base(out, b, h, i0 + r);
            for (int c = 0; c < dv; c++) {
                os.setAtIndex(F, o + c, acc[r * dv + c] * inv);
            }
            long lseIndex = ((long) b * p.heads() + h) * p.tq() + i0 + r;
            ls.setAtIndex(F, lseIndex, l == 0 ? Float.NEGATIVE_INFINITY : rowMax[r] + (float) Math.log(l));
        }
    }

    /** scores[rows x n] = scale * Q[i0 : i0 + rows] · K[j0 : j0 + n]ᵀ. */
    private static void queryKeyScores(Problem p, int b, int h, int i0, int rows, int j0, int n, float[] scores) {
        int kh = h / p.group();
        Sgemm.sgemm(rows, n, p.d(), p.scale(), p.q().segment(), CpuAttention.base(p.q(), b, h, i0), p.q().stride(2), 1,
                p.k().segment(), CpuAttention.base(p.k(), b, kh, j0), 1, p.k().stride(2), 0f, MemorySegment.ofArray(scores), 0, n);
    }

    /**
     * Adds the mask to scores[row + jj] for jj &lt; limit, sets the keys past the causal limit to -inf and returns
     * the row's maximum.
     */
    private static float maskAndMax(Problem p, int b, int h, int i, int j0, int limit, int n, float[] scores, int row) {
        Tensor mask = p.mask();
        float max = Float.NEGATIVE_INFINITY;
        if (mask != null) {
            MemorySegment ms = mask.segment();
            long mo = CpuAttention.base(mask, b, h, i) + (long) j0 * mask.stride(3);
            for (int jj = 0; jj < limit; jj++) {
                scores[row + jj] += ms.getAtIndex(F, mo + jj * (long) mask.stride(3));
            }
        }
        for (int jj = 0; jj < limit; jj++) {
            max = Math.max(max, scores[row + jj]);
        }
        Arrays.fill(scores, row + Math.max(0, limit), row + n, Float.NEGATIVE_INFINITY);
        return max;
    }

    /** x[o + c] = exp(x[o + c] - shift) for c &lt; n; returns their sum (shift finite). */
    private static float expShifted(float[] x, int o, int n, float shift) {
        int c = 0;
        FloatVector sum = FloatVector.zero(S);
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, o + c).sub(shift));
            e.intoArray(x, o + c);
            sum = sum.add(e);
        }
        float total = dev.llava4j.backend.cpu.kernel.Lanes.sum(sum);
        for (; c < n; c++) {
            float e = (float) Math.exp(x[o + c] - shift);
            x[o + c] = e;
            total += e;
        }
        return total;
    }

    private static void scaleRow(float[] x, int o, int n, float factor) {
        for (int c = 0; c < n; c++) {
            x[o + c] *= factor;
        }
    }

    /** gq, gk, gv are contiguous; gk and gv are zero on entry. */
    static void backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out,
                         Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        Problem p = new Problem(q, k, v, mask, causal, scale);
        int hkv = k.size(1);
        Parallel.parallelFor(q.size(0) * hkv, task -> {
            int b = task / hkv;
            int kh = task % hkv;
            float[] probs = new float[QUERY_BLOCK * p.tk()];
            float[] grads = new float[QUERY_BLOCK * p.tk()];
            for (int h = kh * p.group(); h < (kh + 1) * p.group(); h++) {
                for (int i0 = 0; i0 < p.tq(); i0 += QUERY_BLOCK) {
                    backwardBlock(p, b, h, i0, Math.min(p.tq(), i0 + QUERY_BLOCK), out, lse, gOut, gq, gk, gv,
                            probs, grads);
                }
            }
        });
    }

    private static void backwardBlock(Problem p, int b, int h, int i0, int i1, Tensor out, Tensor lse, Tensor gOut,
                                      Tensor gq, Tensor gk, Tensor gv, float[] probs, float[] grads) {
        int rows = i1 - i0;
        int kh = h / p.group();
        int d = p.d();
        int dv = p.dv();
        int n = p.keyLimit(i1 - 1);
        long gqRow = CpuAttention.base(gq, b, h, i0);
        if (n == 0) {
            gq.segment().asSlice(gqRow * Float.BYTES, (long) rows * d * Float.BYTES).fill((byte) 0);
            return;
        }
        MemorySegment probSeg = MemorySegment.ofArray(probs);
        MemorySegment gradSeg = MemorySegment.ofArray(grads);
        MemorySegment qs = p.q().segment();
        MemorySegment ks = p.k().segment();
        MemorySegment gos = gOut.segment();
        long qRow = CpuAttention.base(p.q(), b, h, i0);
        long kRow = CpuAttention.base(p.k(), b, kh, 0);
        long goRow = CpuAttention.base(gOut, b, h, i0);
        long gkRow = CpuAttention.base(gk, b, kh, 0);
        // P = exp(scale * Q·Kᵀ + mask - lse), zero past the causal limit and on rows that see no key
        queryKeyScores(p, b, h, i0, rows, 0, n, probs);
        MemorySegment ls = lse.segment();
        for (int r = 0; r < rows; r++) {
            int row = r * n;
            int limit = Math.min(n, p.keyLimit(i0 + r));
            maskAndMax(p, b, h, i0 + r, 0, limit, n, probs, row);
            float l = ls.getAtIndex(F, ((long) b * p.heads() + h) * p.tq() + i0 + r);
            if (l == Float.NEGATIVE_INFINITY) {
                Arrays.fill(probs, row, row + n, 0f);
            } else {
                expShifted(probs, row, n, l);
            }
        }
        // dV += Pᵀ · dO
        Sgemm.sgemm(n, dv, rows, 1f, probSeg, 0, 1, n, gos, goRow, gOut.stride(2), 1,
                1f, gv.segment(), CpuAttention.base(gv, b, kh, 0), gv.stride(2));
        // dP = dO · Vᵀ, then dS = P * (dP - rowsum(dO * O)) * scale in place
        Sgemm.sgemm(rows, n, dv, 1f, gos, goRow, gOut.stride(2), 1,
                p.v().segment(), CpuAttention.base(p.v(), b, kh, 0), 1, p.v().stride(2), 0f, gradSeg, 0, n);
        MemorySegment os = out.segment();
        for (int r = 0; r < rows; r++) {
            float rowDot = Rows.dot(gos, goRow + (long) r * gOut.stride(2), os, CpuAttention.base(out, b, h, i0 + r), dv);
            softmaxGrad(probs, grads, r * n, n, rowDot, p.scale());
        }
        // dQ = dS · K ; dK += dSᵀ · Q
        Sgemm.sgemm(rows, d, n, 1f, gradSeg, 0, n, 1, ks, kRow, p.k().stride(2), 1,
                0f, gq.segment(), gqRow, gq.stride(2));
        Sgemm.sgemm(n, d, rows, 1f, gradSeg, 0, 1, n, qs, qRow, p.q().stride(2), 1,
                1f, gk.segment(), gkRow, gk.stride(2));
    }

    /** g[o + c] = p[o + c] * (g[o + c] - rowDot) * scale. */
    private static void softmaxGrad(float[] probs, float[] grads, int o, int n, float rowDot, float scale) {
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, probs, o + c);
            FloatVector gv = FloatVector.fromArray(S, grads, o + c);
            pv.mul(gv.sub(rowDot)).mul(scale).intoArray(grads, o + c);
        }
        for (; c < n; c++) {
            grads[o + c] = probs[o + c] * (grads[o + c] - rowDot) * scale;
        }
    }
}
