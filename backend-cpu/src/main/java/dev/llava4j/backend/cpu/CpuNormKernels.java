package dev.llava4j.backend.cpu;

import dev.llava4j.backend.cpu.kernel.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.llava4j.backend.cpu.Rows.F;
import static dev.llava4j.backend.cpu.Rows.LE;
import static dev.llava4j.backend.cpu.Rows.S;
import static dev.llava4j.backend.cpu.Rows.load;

/**
 * Row-wise softmax, LayerNorm and RMSNorm (forward and backward) on contiguous F32 rows; parallel over rows.
 * Statistics use float accumulation in vector lanes (then a lane reduction), which keeps errors near 1e-6.
 */
final class CpuNormKernels {
    private CpuNormKernels() {
    }

    static int grain(int n) {
        return Math.max(1, 16384 / Math.max(n, 1));
    }

    static void softmax(MemorySegment x, long xo, MemorySegment y, long yo, int rows, int n, boolean log) {
        Parallel.parallelRange(rows, grain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                long xr = xo + (long) r * n;
                long yr = yo + (long) r * n;
                float max = Rows.max(x, xr, n);
                if (max == Float.NEGATIVE_INFINITY) {
                    for (int j = 0; j < n; j++) {
                        y.setAtIndex(F, yr + j, log ? Float.NEGATIVE_INFINITY : Float.NaN);
                    }
                    continue;
                }
                if (log) {
                    float shift = max + (float) Math.log(Rows.sumExp(x, xr, n, max));
                    int i = 0;
                    for (int b = S.loopBound(n); i < b; i += S.length()) {
                        load(x, xr, i).sub(shift).intoMemorySegment(y, yr * 4 + i * 4L, LE);
                    }
                    for (; i < n; i++) {
                        y.setAtIndex(F, yr + i, x.getAtIndex(F, xr + i) - shift);
                    }
                } else {
                    // y = e^(x - max) while summing, then y *= 1/sum: one exponential per element, same values
                    float sum = Rows.expInto(x, xr, y, yr, n, max);
                    Rows.scale(1f / sum, y, yr, n);
                }
            }
        });
    }

    static void softmaxBackward(MemorySegment y, long yo, MemorySegment gy, long go, MemorySegment gx, int rows, int n,
                                boolean log) {
        Parallel.parallelRange(rows, grain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                long yr = yo + (long) r * n;
                long gr = go + (long) r * n;
                long xr = (long) r * n;
                float dot = log ? Rows.sum(gy, gr, n) : Rows.dot(gy, gr, y, yr, n);
                int i = 0;
                for (int b = S.loopBound(n); i < b; i += S.length()) {
                    FloatVector yv = load(y, yr, i);
                    FloatVector g = load(gy, gr, i);
                    FloatVector v = log ? g.sub(VectorMath.exp(yv).mul(dot)) : yv.mul(g.sub(dot));
                    v.intoMemorySegment(gx, xr * 4 + i * 4L, LE);
                }
                for (; i < n; i++) {
                    float yv = y.getAtIndex(F, yr + i);
                    float g = gy.getAtIndex(F, gr + i);
                    gx.setAtIndex(F, xr + i, log ? g - (float) Math.exp(yv) * dot : yv * (g - dot));
                }
            }
        });
    }

    /** weight/bias may be null (memory segments then unused). */
    static void layerNorm(MemorySegment x, long xo, MemorySegment w, long wo, MemorySegment b, long bo, float eps,
                          MemorySegment y, MemorySegment mean, MemorySegment rstd, int rows, int n) {
        Parallel.parallelRange(rows, grain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                long xr = xo + (long) r * n;
                long yr = (long) r * n;
                float mu = Rows.sum(x, xr, n) / n;
                int i = 0;
                FloatVector acc = FloatVector.zero(S);
                for (int bd = S.loopBound(n); i < bd; i += S.length()) {
                    FloatVector d = load(x, xr, i).sub(mu);
                    acc = d.fma(d, acc);
                }
                float var = Lanes.sum(acc);
                for (; i < n; i++) {
                    float d = x.getAtIndex(F, xr + i) - mu;
                    var += d * d;
                }
                float rs = (float) (1.0 / Math.sqrt(var / n + eps));
                mean.setAtIndex(F, r, mu);
                rstd.setAtIndex(F, r, rs);
                i = 0;
                for (int bd = S.loopBound(n); i < bd; i += S.length()) {
                    FloatVector v = load(x, xr, i).sub(mu).mul(rs);
                    if (w != null) {
                        v = v.mul(load(w, wo, i));
                    }
                    if (b != null) {
                        v = v.add(load(b, bo, i));
                    }
                    v.intoMemorySegment(y, yr * 4 + i * 4L, LE);
                }
                for (; i < n; i++) {
                    float v = (x.getAtIndex(F, xr + i) - mu) * rs;
                    if (w != null) {
                        v *= w.getAtIndex(F, wo + i);
                    }
                    if (b != null) {
                        v += b.getAtIndex(F, bo + i);
                    }
                    y.setAtIndex(F, yr + i, v);
                }
            }
        });
    }

    static void rmsNorm(MemorySegment x, long xo, MemorySegment w, long wo, float eps, MemorySegment y,
                        MemorySegment rstd, int rows, int n) {
        Parallel.parallelRange(rows, grain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                long xr = xo + (long) r * n;
                long yr = (long) r * n;
                float ss = Rows.dot(x, xr, x, xr, n);
                float rs = (float) (1.0 / Math.sqrt(ss / n + eps));
                rstd.setAtIndex(F, r, rs);
                int i = 0;
                for (int bd = S.loopBound(n); i < bd; i += S.length()) {
                    FloatVector v = load(x, xr, i).mul(rs);
                    (w == null ? v : v.mul(load(w, wo, i))).intoMemorySegment(y, yr * 4 + i * 4L, LE);
                }
                for (; i < n; i++) {
                    float v = x.getAtIndex(F, xr + i) * rs;
                    y.setAtIndex(F, yr + i, w == null ? v : v * w.getAtIndex(F, wo + i));
                }
            }
        });
    }

    /**
     * Backward of both norms, sharing the per-row structure: gx = rs * (gw1 - a - xhat * c) where gw1 = g * w,
     * xhat the normalised input, and (a, c) the row means that the norm's Jacobian subtracts. The weight and bias
     * gradients are per-thread partial sums added at the end.
     */
    static void normBackward(boolean layer, MemorySegment x, long xo, MemorySegment w, long wo, MemorySegment mean,
                             MemorySegment rstd, MemorySegment gy, long go, MemorySegment gx, float[] gwOut,
                             float[] gbOut, int rows, int n) {
        int threads = Parallel.threads();
        float[][] gwPart = new float[threads][];
        float[][] gbPart = new float[threads][];
        int chunks = Math.max(1, Math.min(threads, rows));
        Parallel.parallelFor(chunks, c -> {
            int from = (int) ((long) rows * c / chunks);
            int to = (int) ((long) rows * (c + 1) / chunks);
            float[] gw = gwOut == null ? null : new float[n];
            float[] gb = gbOut == null ? null : new float[n];
            float[] xhat = new float[n];
            float[] gw1 = new float[n];
            for (int r = from; r < to; r++) {
                long xr = xo + (long) r * n;
                long gr = go + (long) r * n;
                float mu = layer ? mean.getAtIndex(F, r) : 0f;
                float rs = rstd.getAtIndex(F, r);
                float sumG = 0;
                float sumGX = 0;
                for (int j = 0; j < n; j++) {
                    float xh = (x.getAtIndex(F, xr + j) - mu) * rs;
                    float g = gy.getAtIndex(F, gr + j);
                    xhat[j] = xh;
                    float gwj = w == null ? g : g * w.getAtIndex(F, wo + j);
                    gw1[j] = gwj;
                    sumG += gwj;
                    sumGX += gwj * xh;
                    if (gw != null) {
                        gw[j] += g * xh;
                    }
                    if (gb != null) {
                        gb[j] += g;
                    }
                }
                float a = layer ? sumG / n : 0f;
                float cc = sumGX / n;
                long outRow = (long) r * n;
                for (int j = 0; j < n; j++) {
                    gx.setAtIndex(F, outRow + j, rs * (gw1[j] - a - xhat[j] * cc));
                }
            }
            gwPart[c] = gw;
            gbPart[c] = gb;
        });
        for (int c = 0; c < chunks; c++) {
            for (int j = 0; j < n; j++) {
                if (gwOut != null) {
                    gwOut[j] += gwPart[c][j];
                }
                if (gbOut != null) {
                    gbOut[j] += gbPart[c][j];
                }
            }
        }
    }
}
