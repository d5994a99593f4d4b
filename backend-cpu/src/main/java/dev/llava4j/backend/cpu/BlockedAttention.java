package dev.llava4j.backend.cpu;

import dev.llava4j.backend.cpu.kernel.Sgemm;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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
        int hkv = k.size(1);
        Tensor keysT = Tensor.empty(DType.F32, q.size(0), hkv, p.d(), p.tk());
        try {
            MemorySegment kt = keysT.segment();
            Parallel.parallelFor(q.size(0) * hkv, task -> transposeHead(k, task / hkv, task % hkv, kt, (long) task * p.d() * p.tk()));
            Parallel.parallelFor(tasks, task -> {
                int block = task % blocks;
                int h = (task / blocks) % p.heads();
                int b = task / (blocks * p.heads());
                long ktHead = ((long) b * hkv + h / p.group()) * p.d() * p.tk();
                forwardBlock(p, b, h, block * QUERY_BLOCK, Math.min(p.tq(), (block + 1) * QUERY_BLOCK), kt, ktHead, out, lse);
            });
        } finally {
            keysT.release();
        }
    }

    /**
     * dst[at + c * T + j] = x[b, h, j, c]: one head of x [B, H, T, D] transposed to [D, T], so that the products with
     * xᵀ as their right operand (Q·Kᵀ, dO·Vᵀ) pack it with vector copies; transposing inside every product would
     * redo it for each query block.
     */
    private static void transposeHead(Tensor x, int b, int h, MemorySegment dst, long at) {
        int t = x.size(2);
        int d = x.size(3);
        MemorySegment src = x.segment();
        for (int j = 0; j < t; j++) {
            long row = CpuAttention.base(x, b, h, j);
            for (int c = 0; c < d; c++) {
                dst.setAtIndex(F, at + (long) c * t + j, src.getAtIndex(F, row + c));
            }
        }
    }

    private static void forwardBlock(Problem p, int b, int h, int i0, int i1, MemorySegment kt, long ktHead,
                                     Tensor out, Tensor lse) {
        int rows = i1 - i0;
        int dv = p.dv();
        int kh = h / p.group();
        long scoreFloats = (long) rows * KEY_TILE;
        MemorySegment work = NativeScratch.floats(scoreFloats + (long) rows * dv);
        MemorySegment scores = work.asSlice(0, scoreFloats * Float.BYTES);
        MemorySegment acc = work.asSlice(scoreFloats * Float.BYTES, (long) rows * dv * Float.BYTES);
        acc.fill((byte) 0);
        float[] rowMax = new float[rows];
        float[] rowSum = new float[rows];
        Arrays.fill(rowMax, Float.NEGATIVE_INFINITY);
        int keyEnd = p.keyLimit(i1 - 1);
        for (int j0 = 0; j0 < keyEnd; j0 += KEY_TILE) {
            int n = Math.min(KEY_TILE, keyEnd - j0);
            queryKeyScores(p, b, h, i0, rows, j0, n, kt, ktHead, scores);
            for (int r = 0; r < rows; r++) {
                int limit = Math.min(n, p.keyLimit(i0 + r) - j0);
                int row = r * n;
                float tileMax = maskAndMax(p, b, h, i0 + r, j0, limit, n, scores, row);
                float newMax = Math.max(rowMax[r], tileMax);
                if (newMax == Float.NEGATIVE_INFINITY) {
                    zero(scores, row, n); // nothing visible yet: the row contributes nothing
                    continue;
                }
                float correction = rowMax[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(rowMax[r] - newMax);
                if (correction != 1f) {
                    scaleRow(acc, (long) r * dv, dv, correction);
                }
                rowSum[r] = rowSum[r] * correction + expShifted(scores, row, n, newMax);
                rowMax[r] = newMax;
            }
            // acc += P · V[j0 : j0 + n]
            Sgemm.sgemm(rows, dv, n, 1f, scores, 0, n, 1,
                    p.v().segment(), CpuAttention.base(p.v(), b, kh, j0), p.v().stride(2), 1, 1f, acc, 0, dv);
        }
        MemorySegment os = out.segment();
        MemorySegment ls = lse.segment();
        for (int r = 0; r < rows; r++) {
            float l = rowSum[r];
            float inv = l == 0 ? 0f : 1f / l;
            long o = CpuAttention.base(out, b, h, i0 + r);
            for (int c = 0; c < dv; c++) {
                os.setAtIndex(F, o + c, acc.getAtIndex(F, (long) r * dv + c) * inv);
            }
            long lseIndex = ((long) b * p.heads() + h) * p.tq() + i0 + r;
            ls.setAtIndex(F, lseIndex, l == 0 ? Float.NEGATIVE_INFINITY : rowMax[r] + (float) Math.log(l));
        }
    }

    /** scores[rows x n] = scale * Q[i0 : i0 + rows] · K[j0 : j0 + n]ᵀ, with Kᵀ of this head [D, Tk] at kt[ktHead]. */
    private static void queryKeyScores(Problem p, int b, int h, int i0, int rows, int j0, int n, MemorySegment kt,
                                       long ktHead, MemorySegment scores) {
        Sgemm.sgemm(rows, n, p.d(), p.scale(), p.q().segment(), CpuAttention.base(p.q(), b, h, i0), p.q().stride(2), 1,
                kt, ktHead + j0, p.tk(), 1, 0f, scores, 0, n);
    }

    /**
     * Adds the mask to scores[row + jj] for jj &lt; limit, sets the keys past the causal limit to -inf and returns
     * the row's maximum. Vectorised (mask rows are contiguous in practice); the calls inside the loops are all the
     * JDK's, so no vector crosses one of our own method boundaries (see MicroKernel).
     */
    private static float maskAndMax(Problem p, int b, int h, int i, int j0, int limit, int n, MemorySegment scores,
                                    int row) {
        Tensor mask = p.mask();
        FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int jj = 0;
        int bound = S.loopBound(Math.max(0, limit));
        float tailMax = Float.NEGATIVE_INFINITY;
        if (mask != null) {
            MemorySegment ms = mask.segment();
            long mo = CpuAttention.base(mask, b, h, i) + (long) j0 * mask.stride(3);
            if (mask.stride(3) == 1) {
                for (; jj < bound; jj += S.length()) {
                    FloatVector x = FloatVector.fromMemorySegment(S, scores, row * 4L + jj * 4L, Rows.LE)
                            .add(FloatVector.fromMemorySegment(S, ms, mo * 4L + jj * 4L, Rows.LE));
                    x.intoMemorySegment(scores, row * 4L + jj * 4L, Rows.LE);
                    max = max.max(x);
                }
            }
            for (; jj < limit; jj++) {
                float x = scores.getAtIndex(F, row + jj) + ms.getAtIndex(F, mo + jj * (long) mask.stride(3));
                scores.setAtIndex(F, row + jj, x);
                tailMax = Math.max(tailMax, x);
            }
        } else {
            for (; jj < bound; jj += S.length()) {
                max = max.max(FloatVector.fromMemorySegment(S, scores, row * 4L + jj * 4L, Rows.LE));
            }
            for (; jj < limit; jj++) {
                tailMax = Math.max(tailMax, scores.getAtIndex(F, row + jj));
            }
        }
        for (int c = Math.max(0, limit); c < n; c++) {
            scores.setAtIndex(F, row + c, Float.NEGATIVE_INFINITY);
        }
        return Math.max(tailMax, max.reduceLanes(VectorOperators.MAX));
    }

    /** x[o + c] = exp(x[o + c] - shift) for c &lt; n; returns their sum (shift finite). */
    private static float expShifted(MemorySegment x, int o, int n, float shift) {
        int c = 0;
        FloatVector sum = FloatVector.zero(S);
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromMemorySegment(S, x, o * 4L + c * 4L, Rows.LE).sub(shift));
            e.intoMemorySegment(x, o * 4L + c * 4L, Rows.LE);
            sum = sum.add(e);
        }
        float total = dev.llava4j.backend.cpu.kernel.Lanes.sum(sum);
        for (; c < n; c++) {
            float e = (float) Math.exp(x.getAtIndex(F, o + c) - shift);
            x.setAtIndex(F, o + c, e);
            total += e;
        }
        return total;
    }

    private static void scaleRow(MemorySegment x, long o, int n, float factor) {
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            FloatVector.fromMemorySegment(S, x, o * 4L + c * 4L, Rows.LE).mul(factor).intoMemorySegment(x, o * 4L + c * 4L, Rows.LE);
        }
        for (; c < n; c++) {
            x.setAtIndex(F, o + c, x.getAtIndex(F, o + c) * factor);
        }
    }

    private static void zero(MemorySegment x, long o, int n) {
        x.asSlice(o * Float.BYTES, (long) n * Float.BYTES).fill((byte) 0);
    }

    /** gq, gk, gv are contiguous; gk and gv are zero on entry. */
    static void backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out,
                         Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        Problem p = new Problem(q, k, v, mask, causal, scale);
        int hkv = k.size(1);
        Parallel.parallelFor(q.size(0) * hkv, task -> {
            int b = task / hkv;
            int kh = task % hkv;
            long tile = (long) QUERY_BLOCK * p.tk();
            long ktFloats = (long) p.d() * p.tk();
            long vtFloats = (long) p.dv() * p.tk();
            MemorySegment work = NativeScratch.floats(2 * tile + ktFloats + vtFloats);
            MemorySegment probs = work.asSlice(0, tile * Float.BYTES);
            MemorySegment grads = work.asSlice(tile * Float.BYTES, tile * Float.BYTES);
            MemorySegment kt = work.asSlice(2 * tile * Float.BYTES, ktFloats * Float.BYTES);
            MemorySegment vt = work.asSlice((2 * tile + ktFloats) * Float.BYTES, vtFloats * Float.BYTES);
            transposeHead(k, b, kh, kt, 0);
            transposeHead(v, b, kh, vt, 0);
            for (int h = kh * p.group(); h < (kh + 1) * p.group(); h++) {
                for (int i0 = 0; i0 < p.tq(); i0 += QUERY_BLOCK) {
                    backwardBlock(p, b, h, i0, Math.min(p.tq(), i0 + QUERY_BLOCK), kt, vt, out, lse, gOut, gq, gk, gv,
                            probs, grads);
                }
            }
        });
    }

    /** One query block of one head; kt and vt hold Kᵀ [D, Tk] and Vᵀ [Dv, Tk] of its kv head. */
    private static void backwardBlock(Problem p, int b, int h, int i0, int i1, MemorySegment kt, MemorySegment vt,
                                      Tensor out, Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv,
                                      MemorySegment probs, MemorySegment grads) {
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
        MemorySegment qs = p.q().segment();
        MemorySegment ks = p.k().segment();
        MemorySegment gos = gOut.segment();
        long qRow = CpuAttention.base(p.q(), b, h, i0);
        long kRow = CpuAttention.base(p.k(), b, kh, 0);
        long goRow = CpuAttention.base(gOut, b, h, i0);
        long gkRow = CpuAttention.base(gk, b, kh, 0);
        // P = exp(scale * Q·Kᵀ + mask - lse), zero past the causal limit and on rows that see no key
        queryKeyScores(p, b, h, i0, rows, 0, n, kt, 0, probs);
        MemorySegment ls = lse.segment();
        for (int r = 0; r < rows; r++) {
            int row = r * n;
            int limit = Math.min(n, p.keyLimit(i0 + r));
            maskAndMax(p, b, h, i0 + r, 0, limit, n, probs, row);
            float l = ls.getAtIndex(F, ((long) b * p.heads() + h) * p.tq() + i0 + r);
            if (l == Float.NEGATIVE_INFINITY) {
                zero(probs, row, n);
            } else {
                expShifted(probs, row, n, l);
            }
        }
        // dV += Pᵀ · dO
        Sgemm.sgemm(n, dv, rows, 1f, probs, 0, 1, n, gos, goRow, gOut.stride(2), 1,
                1f, gv.segment(), CpuAttention.base(gv, b, kh, 0), gv.stride(2));
        // dP = dO · Vᵀ, then dS = P * (dP - rowsum(dO * O)) * scale in place
        Sgemm.sgemm(rows, n, dv, 1f, gos, goRow, gOut.stride(2), 1, vt, 0, p.tk(), 1, 0f, grads, 0, n);
        MemorySegment os = out.segment();
        for (int r = 0; r < rows; r++) {
            float rowDot = Rows.dot(gos, goRow + (long) r * gOut.stride(2), os, CpuAttention.base(out, b, h, i0 + r), dv);
            softmaxGrad(probs, grads, r * n, n, rowDot, p.scale());
        }
        // dQ = dS · K ; dK += dSᵀ · Q
        Sgemm.sgemm(rows, d, n, 1f, grads, 0, n, 1, ks, kRow, p.k().stride(2), 1,
                0f, gq.segment(), gqRow, gq.stride(2));
        Sgemm.sgemm(n, d, rows, 1f, grads, 0, 1, n, qs, qRow, p.q().stride(2), 1,
                1f, gk.segment(), gkRow, gk.stride(2));
    }

    /** g[o + c] = p[o + c] * (g[o + c] - rowDot) * scale. */
    private static void softmaxGrad(MemorySegment probs, MemorySegment grads, int o, int n, float rowDot, float scale) {
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            FloatVector pv = FloatVector.fromMemorySegment(S, probs, o * 4L + c * 4L, Rows.LE);
            FloatVector gv = FloatVector.fromMemorySegment(S, grads, o * 4L + c * 4L, Rows.LE);
            pv.mul(gv.sub(rowDot)).mul(scale).intoMemorySegment(grads, o * 4L + c * 4L, Rows.LE);
        }
        for (; c < n; c++) {
            grads.setAtIndex(F, o + c, probs.getAtIndex(F, o + c) * (grads.getAtIndex(F, o + c) - rowDot) * scale);
        }
    }
}
