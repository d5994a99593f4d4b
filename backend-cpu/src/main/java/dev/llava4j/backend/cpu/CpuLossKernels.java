package dev.llava4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.llava4j.backend.cpu.Rows.F;
import static dev.llava4j.backend.cpu.Rows.LE;
import static dev.llava4j.backend.cpu.Rows.S;
import static dev.llava4j.backend.cpu.Rows.load;
import static dev.llava4j.backend.cpu.Rows.store;

/** Cross-entropy over large vocabularies and the AdamW update, vectorised over F32 rows. */
final class CpuLossKernels {
    private CpuLossKernels() {
    }

    static void crossEntropy(MemorySegment logits, long lo, long[] targets, long ignore, MemorySegment loss,
                             MemorySegment lse, int rows, int v) {
        Parallel.parallelRange(rows, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = lo + (long) r * v;
                float max = Rows.max(logits, row, v);
                float l = max + (float) Math.log(Rows.sumExp(logits, row, v, max));
                lse.setAtIndex(F, r, l);
                long t = targets[r];
                loss.setAtIndex(F, r, t == ignore ? 0f : l - logits.getAtIndex(F, row + t));
            }
        });
    }

    static void crossEntropyBackward(MemorySegment logits, long lo, long[] targets, long ignore, MemorySegment lse,
                                     float[] gLoss, MemorySegment gl, int rows, int v) {
        Parallel.parallelRange(rows, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                long row = lo + (long) r * v;
                long out = (long) r * v;
                long t = targets[r];
                float g = t == ignore ? 0f : gLoss[r];
                float l = lse.getAtIndex(F, r);
                int i = 0;
                for (int b = S.loopBound(v); i < b; i += S.length()) {
                    VectorMath.exp(load(logits, row, i).sub(l)).mul(g).intoMemorySegment(gl, out * 4 + i * 4L, LE);
                }
                for (; i < v; i++) {
                    gl.setAtIndex(F, out + i, g * (float) Math.exp(logits.getAtIndex(F, row + i) - l));
                }
                if (t != ignore) {
                    gl.setAtIndex(F, out + t, gl.getAtIndex(F, out + t) - g);
                }
            }
        });
    }

    /** torch.optim.AdamW on contiguous F32 param/grad/m/v (offsets in elements). */
    static void adamw(MemorySegment p, long po, MemorySegment g, long go, MemorySegment m, MemorySegment v, int n,
                      double lr, double b1, double b2, double epsilon, double wd, long step) {
        // scalars are formed in double and rounded once, as PyTorch does with Python floats (1 - 0.999 in float
        // arithmetic would be off by 1e-5 relative)
        float decay = (float) (1 - lr * wd);
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(b2, step));
        float stepSize = (float) (lr / (1 - Math.pow(b1, step)));
        float beta1 = (float) b1;
        float beta2 = (float) b2;
        float eps = (float) epsilon;
        float oneMinusB1 = (float) (1 - b1);
        float oneMinusB2 = (float) (1 - b2);
        Parallel.parallelRange(n, 1 << 14, (from, to) -> {
            int i = from;
            for (int b = from + S.loopBound(to - from); i < b; i += S.length()) {
                FloatVector gv = load(g, go, i);
                FloatVector mv = load(m, i).mul(beta1).add(gv.mul(oneMinusB1));
                FloatVector vv = load(v, i).mul(beta2).add(gv.mul(gv).mul(oneMinusB2));
                FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
                FloatVector pv = load(p, po, i).mul(decay).sub(mv.div(denom).mul(stepSize));
                store(mv, m, i);
                store(vv, v, i);
                pv.intoMemorySegment(p, po * 4 + i * 4L, LE);
            }
            for (; i < to; i++) {
                float gi = g.getAtIndex(F, go + i);
                float mi = m.getAtIndex(F, i) * beta1 + gi * oneMinusB1;
                float vi = v.getAtIndex(F, i) * beta2 + gi * gi * oneMinusB2;
                float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
                p.setAtIndex(F, po + i, p.getAtIndex(F, po + i) * decay - stepSize * (mi / denom));
                m.setAtIndex(F, i, mi);
                v.setAtIndex(F, i, vi);
            }
        });
    }
}
