package dev.llava4j.tensor.backend.ref;

import dev.llava4j.tensor.Tensor;

/**
 * Naive attention (materialises one row of scores at a time) in double precision. Rows whose keys are all masked
 * produce zeros and lse = -inf, the flash-attention convention.
 */
final class AttentionReference {
    private AttentionReference() {
    }

    private static double el(Tensor t, int a, int b, int c, int d) {
        int[] s = t.strides();
        return ReferenceBackend.get(t, t.offset() + (long) a * s[0] + (long) b * s[1] + (long) c * s[2] + (long) d * s[3]);
    }

    private static long off(Tensor t, int a, int b, int c, int d) {
        int[] s = t.strides();
        return t.offset() + (long) a * s[0] + (long) b * s[1] + (long) c * s[2] + (long) d * s[3];
    }

    /** Scaled, masked scores of query row i of head h against all keys. */
    private static double[] scores(Tensor q, Tensor k, Tensor mask, boolean causal, double scale, int b, int h, int i) {
        int hkv = k.shape()[1];
        int kh = h / (q.shape()[1] / hkv);
        int tq = q.shape()[2];
        int tk = k.shape()[2];
        int d = q.shape()[3];
        double[] s = new double[tk];
        for (int j = 0; j < tk; j++) {
            if (causal && j > i + (tk - tq)) {
                s[j] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += el(q, b, h, i, c) * el(k, b, kh, j, c);
            }
            s[j] = dot * scale + (mask == null ? 0 : el(mask, b, h, i, j));
        }
        return s;
    }

    static void forward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out, Tensor lse) {
        int bs = q.shape()[0];
        int heads = q.shape()[1];
        int tq = q.shape()[2];
        int dv = v.shape()[3];
        int group = heads / k.shape()[1];
        for (int b = 0; b < bs; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tq; i++) {
                    double[] s = scores(q, k, mask, causal, scale, b, h, i);
                    double max = Double.NEGATIVE_INFINITY;
                    for (double x : s) {
                        max = Math.max(max, x);
                    }
                    double sum = 0;
                    for (double x : s) {
                        sum += max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(x - max);
                    }
                    double l = max == Double.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY : max + Math.log(sum);
                    ReferenceBackend.set(lse, ((long) b * heads + h) * tq + i, l);
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        if (l != Double.NEGATIVE_INFINITY) {
                            for (int j = 0; j < s.length; j++) {
                                acc += Math.exp(s[j] - l) * el(v, b, h / group, j, c);
                            }
                        }
                        ReferenceBackend.set(out, off(out, b, h, i, c), acc);
                    }
                }
            }
        }
    }

    static void backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out,
                         Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        int bs = q.shape()[0];
        int heads = q.shape()[1];
        int tq = q.shape()[2];
        int tk = k.shape()[2];
        int d = q.shape()[3];
        int dv = v.shape()[3];
        int group = heads / k.shape()[1];
        double[] gkAcc = new double[gk.numel()];
        double[] gvAcc = new double[gv.numel()];
        int[] gks = gk.strides();
        int[] gvs = gv.strides();
        for (int b = 0; b < bs; b++) {
            for (int h = 0; h < heads; h++) {
                int kh = h / group;
                for (int i = 0; i < tq; i++) {
                    double l = ReferenceBackend.get(lse, ((long) b * heads + h) * tq + i);
                    double[] gq1 = new double[d];
                    if (l != Double.NEGATIVE_INFINITY) {
                        double[] s = scores(q, k, mask, causal, scale, b, h, i);
                        double dDot = 0;
                        for (int c = 0; c < dv; c++) {
                            dDot += el(gOut, b, h, i, c) * el(out, b, h, i, c);
                        }
                        for (int j = 0; j < tk; j++) {
                            double p = Math.exp(s[j] - l);
                            if (p == 0) {
                                continue;
                            }
                            double dp = 0;
                            for (int c = 0; c < dv; c++) {
                                double go = el(gOut, b, h, i, c);
                                dp += go * el(v, b, kh, j, c);
                                gvAcc[b * gvs[0] + kh * gvs[1] + j * gvs[2] + c * gvs[3]] += p * go;
                            }
                            double ds = p * (dp - dDot) * scale;
                            for (int c = 0; c < d; c++) {
                                gq1[c] += ds * el(k, b, kh, j, c);
                                gkAcc[b * gks[0] + kh * gks[1] + j * gks[2] + c * gks[3]] += ds * el(q, b, h, i, c);
                            }
                        }
                    }
                    for (int c = 0; c < d; c++) {
                        ReferenceBackend.set(gq, off(gq, b, h, i, c), gq1[c]);
                    }
                }
            }
        }
        for (int i = 0; i < gkAcc.length; i++) {
            ReferenceBackend.set(gk, i, gkAcc[i]);
        }
        for (int i = 0; i < gvAcc.length; i++) {
            ReferenceBackend.set(gv, i, gvAcc[i]);
        }
    }
}
