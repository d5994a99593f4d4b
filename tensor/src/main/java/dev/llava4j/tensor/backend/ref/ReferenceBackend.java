package dev.llava4j.tensor.backend.ref;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Elements;
import dev.llava4j.tensor.MultiIndex;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.ReduceOp;
import dev.llava4j.tensor.backend.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Set;

/**
 * Plain scalar Java, written to be obviously correct: every value is read as double, computed in double and stored
 * in the output dtype. It is the oracle every other backend is tested against, not a fast path.
 */
public class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Set<String> nativeOps() {
        return Set.of();
    }

    // ------------------------------------------------------------------ helpers

    /** Reads element {@code i} (row-major logical index) of a view; slow but simple. */
    static double at(Tensor t, MemorySegment seg, int[] index) {
        long off = t.offset();
        int[] st = t.strides();
        for (int d = 0; d < index.length; d++) {
            off += (long) index[d] * st[d];
        }
        return Elements.get(seg, t.dtype(), off);
    }

    static long offsetOf(Tensor t, int[] index) {
        long off = t.offset();
        int[] st = t.strides();
        for (int d = 0; d < index.length; d++) {
            off += (long) index[d] * st[d];
        }
        return off;
    }

    /** Element offsets of a view in row-major order. */
    static int[] offsets(Tensor t) {
        int n = t.numel();
        int[] out = new int[n];
        MultiIndex it = MultiIndex.of(t.shape(), t);
        for (int i = 0; i < n; i++) {
            out[i] = it.offset(0);
            it.next();
        }
        return out;
    }

    static double get(Tensor t, long off) {
        return Elements.get(t.segment(), t.dtype(), off);
    }

    static void set(Tensor t, long off, double v) {
        Elements.set(t.segment(), t.dtype(), off, v);
    }

    // ------------------------------------------------------------------ primitives

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        MemorySegment xs = x.segment();
        MemorySegment os = out.segment();
        MultiIndex it = MultiIndex.of(out.shape(), x, out);
        for (int i = 0, n = out.numel(); i < n; i++) {
            Elements.set(os, out.dtype(), it.offset(1), op.apply(Elements.get(xs, x.dtype(), it.offset(0))));
            it.next();
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment os = out.segment();
        MultiIndex it = MultiIndex.of(out.shape(), a, b, out);
        for (int i = 0, n = out.numel(); i < n; i++) {
            double r = op.apply(Elements.get(as, a.dtype(), it.offset(0)), Elements.get(bs, b.dtype(), it.offset(1)));
            Elements.set(os, out.dtype(), it.offset(2), r);
            it.next();
        }
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        MultiIndex it = MultiIndex.of(out.shape(), cond, a, b, out);
        for (int i = 0, n = out.numel(); i < n; i++) {
            boolean c = get(cond, it.offset(0)) != 0;
            set(out, it.offset(3), c ? get(a, it.offset(1)) : get(b, it.offset(2)));
            it.next();
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        MultiIndex it = MultiIndex.of(dst.shape(), src, dst);
        boolean ints = !src.dtype().isFloating() && !dst.dtype().isFloating();
        for (int i = 0, n = dst.numel(); i < n; i++) {
            if (ints) {
                Elements.setLong(dst.segment(), dst.dtype(), it.offset(1), Elements.getLong(src.segment(), src.dtype(), it.offset(0)));
            } else {
                set(dst, it.offset(1), get(src, it.offset(0)));
            }
            it.next();
        }
    }

    @Override
    public void fill(Tensor out, double value) {
        MultiIndex it = MultiIndex.of(out.shape(), out);
        for (int i = 0, n = out.numel(); i < n; i++) {
            set(out, it.offset(0), value);
            it.next();
        }
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        int n = out.numel();
        double[] acc = new double[n];
        double init = switch (op) {
            case SUM -> 0;
            case PROD -> 1;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
        Arrays.fill(acc, init);
        // walk x; the output position is x's index with reduced dims set to 0 (a stride-0 view of out's index space)
        int[] outStrides = dev.llava4j.tensor.Shape.contiguousStrides(out.shape());
        for (int d : dims) {
            outStrides[d] = 0;
        }
        MultiIndex it = new MultiIndex(x.shape(), new int[][]{x.strides(), outStrides}, new int[]{x.offset(), 0});
        for (int i = 0, m = x.numel(); i < m; i++) {
            double v = get(x, it.offset(0));
            int o = it.offset(1);
            acc[o] = switch (op) {
                case SUM -> acc[o] + v;
                case PROD -> acc[o] * v;
                case MAX -> Double.isNaN(v) || Double.isNaN(acc[o]) ? Double.NaN : Math.max(acc[o], v);
                case MIN -> Double.isNaN(v) || Double.isNaN(acc[o]) ? Double.NaN : Math.min(acc[o], v);
            };
            it.next();
        }
        int[] outOffsets = offsets(out);
        for (int i = 0; i < n; i++) {
            set(out, outOffsets[i], acc[i]);
        }
    }

    @Override
    public void argReduce(boolean max, Tensor x, int dim, Tensor values, Tensor indices) {
        int[] vOff = offsets(values);
        int[] iOff = offsets(indices);
        int len = x.shape()[dim];
        MultiIndex it = MultiIndex.of(values.shape(), values);
        int[] idx = new int[x.rank()];
        for (int i = 0; i < vOff.length; i++) {
            System.arraycopy(it.index(), 0, idx, 0, idx.length);
            idx[dim] = 0;
            double best = get(x, offsetOf(x, idx));
            int bestIndex = 0;
            for (int j = 1; j < len && !Double.isNaN(best); j++) {
                idx[dim] = j;
                double v = get(x, offsetOf(x, idx));
                // NaN wins (PyTorch propagates it); otherwise the first extreme value wins
                if (Double.isNaN(v) || (max ? v > best : v < best)) {
                    best = v;
                    bestIndex = j;
                }
            }
            set(values, vOff[i], best);
            Elements.setLong(indices.segment(), indices.dtype(), iOff[i], bestIndex);
            it.next();
        }
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        int r = out.rank();
        int m = out.shape()[r - 2];
        int n = out.shape()[r - 1];
        int k = a.shape()[r - 1];
        int[] batchShape = Arrays.copyOf(out.shape(), r - 2);
        int batches = dev.llava4j.tensor.Shape.numel(batchShape);
        int[] as = a.strides();
        int[] bs = b.strides();
        int[] os = out.strides();
        MultiIndex it = new MultiIndex(batchShape,
                new int[][]{Arrays.copyOf(as, r - 2), Arrays.copyOf(bs, r - 2), Arrays.copyOf(os, r - 2)},
                new int[]{a.offset(), b.offset(), out.offset()});
        for (int bi = 0; bi < batches; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += get(a, it.offset(0) + (long) i * as[r - 2] + (long) p * as[r - 1])
                                * get(b, it.offset(1) + (long) p * bs[r - 2] + (long) j * bs[r - 1]);
                    }
                    set(out, it.offset(2) + (long) i * os[r - 2] + (long) j * os[r - 1], s);
                }
            }
            it.next();
        }
    }

    // ------------------------------------------------------------------ fused kernels (row-wise on contiguous data)

    @Override
    public void softmax(Tensor x, Tensor out, boolean log) {
        int rows = x.shape()[0];
        int n = x.shape()[1];
        for (int r = 0; r < rows; r++) {
            long base = x.offset() + (long) r * n;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, get(x, base + j));
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(get(x, base + j) - max);
            }
            double lse = max + Math.log(sum);
            for (int j = 0; j < n; j++) {
                double v = get(x, base + j);
                double y = log ? v - lse : (max == Double.NEGATIVE_INFINITY ? Double.NaN : Math.exp(v - max) / sum);
                set(out, (long) r * n + j, y);
            }
        }
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log) {
        int rows = y.shape()[0];
        int n = y.shape()[1];
        for (int r = 0; r < rows; r++) {
            long base = (long) r * n;
            double dot = 0;
            for (int j = 0; j < n; j++) {
                double g = get(gy, gy.offset() + base + j);
                dot += log ? g : g * get(y, y.offset() + base + j);
            }
            for (int j = 0; j < n; j++) {
                double yv = get(y, y.offset() + base + j);
                double g = get(gy, gy.offset() + base + j);
                double v = log ? g - Math.exp(yv) * dot : yv * (g - dot);
                set(gx, base + j, v);
            }
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        int rows = x.shape()[0];
        int n = x.shape()[1];
        for (int r = 0; r < rows; r++) {
            long base = x.offset() + (long) r * n;
            double mu = 0;
            for (int j = 0; j < n; j++) {
                mu += get(x, base + j);
            }
            mu /= n;
            double var = 0;
            for (int j = 0; j < n; j++) {
                double d = get(x, base + j) - mu;
                var += d * d;
            }
            var /= n;
            double rs = 1.0 / Math.sqrt(var + eps);
            for (int j = 0; j < n; j++) {
                double v = (get(x, base + j) - mu) * rs;
                if (weight != null) {
                    v *= vec(weight, j);
                }
                if (bias != null) {
                    v += vec(bias, j);
                }
                set(out, (long) r * n + j, v);
            }
            set(mean, r, mu);
            set(rstd, r, rs);
        }
    }

    static double vec(Tensor t, int j) {
        return get(t, t.offset() + (long) j * t.strides()[0]);
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gy, Tensor gx,
                                  Tensor gWeight, Tensor gBias) {
        int rows = x.shape()[0];
        int n = x.shape()[1];
        double[] gw = new double[n];
        double[] gb = new double[n];
        for (int r = 0; r < rows; r++) {
            long base = (long) r * n;
            double mu = get(mean, r);
            double rs = get(rstd, r);
            double sumG = 0;
            double sumGX = 0;
            for (int j = 0; j < n; j++) {
                double xhat = (get(x, x.offset() + base + j) - mu) * rs;
                double g = get(gy, gy.offset() + base + j);
                gw[j] += g * xhat;
                gb[j] += g;
                double gw1 = weight == null ? g : g * vec(weight, j);
                sumG += gw1;
                sumGX += gw1 * xhat;
            }
            for (int j = 0; j < n; j++) {
                double xhat = (get(x, x.offset() + base + j) - mu) * rs;
                double g = get(gy, gy.offset() + base + j);
                double gw1 = weight == null ? g : g * vec(weight, j);
                set(gx, base + j, rs * (gw1 - sumG / n - xhat * sumGX / n));
            }
        }
        for (int j = 0; j < n; j++) {
            if (gWeight != null) {
                set(gWeight, j, gw[j]);
            }
            if (gBias != null) {
                set(gBias, j, gb[j]);
            }
        }
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, double eps, Tensor out, Tensor rstd) {
        int rows = x.shape()[0];
        int n = x.shape()[1];
        for (int r = 0; r < rows; r++) {
            long base = x.offset() + (long) r * n;
            double ss = 0;
            for (int j = 0; j < n; j++) {
                double v = get(x, base + j);
                ss += v * v;
            }
            double rs = 1.0 / Math.sqrt(ss / n + eps);
            for (int j = 0; j < n; j++) {
                double v = get(x, base + j) * rs;
                set(out, (long) r * n + j, weight == null ? v : v * vec(weight, j));
            }
            set(rstd, r, rs);
        }
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor weight, Tensor rstd, Tensor gy, Tensor gx, Tensor gWeight) {
        int rows = x.shape()[0];
        int n = x.shape()[1];
        double[] gw = new double[n];
        for (int r = 0; r < rows; r++) {
            long base = (long) r * n;
            double rs = get(rstd, r);
            double dot = 0;
            for (int j = 0; j < n; j++) {
                double xv = get(x, x.offset() + base + j);
                double g = get(gy, gy.offset() + base + j);
                gw[j] += g * xv * rs;
                dot += (weight == null ? g : g * vec(weight, j)) * xv;
            }
            for (int j = 0; j < n; j++) {
                double xv = get(x, x.offset() + base + j);
                double g = get(gy, gy.offset() + base + j);
                double gw1 = weight == null ? g : g * vec(weight, j);
                set(gx, base + j, rs * gw1 - xv * rs * rs * rs * dot / n);
            }
        }
        if (gWeight != null) {
            for (int j = 0; j < n; j++) {
                set(gWeight, j, gw[j]);
            }
        }
    }

    @Override
    public void rope(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean backward) {
        int[] shape = x.shape();
        int d = shape[3];
        int half = d / 2;
        int[] idx = new int[4];
        int[] outOff = offsets(out);
        int i = 0;
        for (idx[0] = 0; idx[0] < shape[0]; idx[0]++) {
            for (idx[1] = 0; idx[1] < shape[1]; idx[1]++) {
                for (idx[2] = 0; idx[2] < shape[2]; idx[2]++) {
                    for (idx[3] = 0; idx[3] < d; idx[3]++) {
                        int j = idx[3];
                        int partner = j < half ? j + half : j - half;
                        double xv = get(x, offsetOf(x, idx));
                        double c = get(cos, offsetOf(cos, idx));
                        int[] pidx = {idx[0], idx[1], idx[2], partner};
                        double xp = get(x, offsetOf(x, pidx));
                        double v;
                        if (!backward) {
                            // rotate_half(x)[j] = -x[j+half] for j < half, x[j-half] otherwise
                            double s = get(sin, offsetOf(sin, idx));
                            v = xv * c + (j < half ? -xp : xp) * s;
                        } else {
                            // transpose: gx[j] = g[j]*cos[j] + (j < half ? g[j+half]*sin[j+half] : -g[j-half]*sin[j-half])
                            double sp = get(sin, offsetOf(sin, pidx));
                            v = xv * c + (j < half ? xp * sp : -xp * sp);
                        }
                        set(out, outOff[i++], v);
                    }
                }
            }
        }
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out, Tensor lse) {
        AttentionReference.forward(q, k, v, mask, causal, scale, out, lse);
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out,
                                  Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        AttentionReference.backward(q, k, v, mask, causal, scale, out, lse, gOut, gq, gk, gv);
    }

    // ------------------------------------------------------------------ indexing

    @Override
    public void indexSelect(Tensor src, int dim, Tensor index, Tensor out) {
        long[] ids = index.toLongArray();
        int size = src.shape()[dim];
        MultiIndex it = MultiIndex.of(out.shape(), out);
        int[] sidx = new int[src.rank()];
        for (int i = 0, n = out.numel(); i < n; i++) {
            System.arraycopy(it.index(), 0, sidx, 0, sidx.length);
            long id = ids[sidx[dim]];
            if (id < 0 || id >= size) {
                throw new IndexOutOfBoundsException("index " + id + " out of range for dimension " + dim + " of size " + size);
            }
            sidx[dim] = (int) id;
            set(out, it.offset(0), get(src, offsetOf(src, sidx)));
            it.next();
        }
    }

    @Override
    public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        long[] ids = index.toLongArray();
        int size = dst.shape()[dim];
        MultiIndex it = MultiIndex.of(src.shape(), src);
        int[] didx = new int[dst.rank()];
        for (int i = 0, n = src.numel(); i < n; i++) {
            System.arraycopy(it.index(), 0, didx, 0, didx.length);
            long id = ids[didx[dim]];
            if (id < 0 || id >= size) {
                throw new IndexOutOfBoundsException("index " + id + " out of range for dimension " + dim + " of size " + size);
            }
            didx[dim] = (int) id;
            long o = offsetOf(dst, didx);
            set(dst, o, get(dst, o) + get(src, it.offset(0)));
            it.next();
        }
    }

    @Override
    public void gather(Tensor src, int dim, Tensor index, Tensor out) {
        MultiIndex it = MultiIndex.of(out.shape(), index, out);
        int[] sidx = new int[src.rank()];
        int size = src.shape()[dim];
        for (int i = 0, n = out.numel(); i < n; i++) {
            System.arraycopy(it.index(), 0, sidx, 0, sidx.length);
            long id = Elements.getLong(index.segment(), index.dtype(), it.offset(0));
            if (id < 0 || id >= size) {
                throw new IndexOutOfBoundsException("gather index " + id + " out of range for dimension " + dim + " of size " + size);
            }
            sidx[dim] = (int) id;
            set(out, it.offset(1), get(src, offsetOf(src, sidx)));
            it.next();
        }
    }

    @Override
    public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        MultiIndex it = MultiIndex.of(src.shape(), index, src);
        int[] didx = new int[dst.rank()];
        int size = dst.shape()[dim];
        for (int i = 0, n = src.numel(); i < n; i++) {
            System.arraycopy(it.index(), 0, didx, 0, didx.length);
            long id = Elements.getLong(index.segment(), index.dtype(), it.offset(0));
            if (id < 0 || id >= size) {
                throw new IndexOutOfBoundsException("scatter index " + id + " out of range for dimension " + dim + " of size " + size);
            }
            didx[dim] = (int) id;
            long o = offsetOf(dst, didx);
            set(dst, o, get(dst, o) + get(src, it.offset(1)));
            it.next();
        }
    }

    // ------------------------------------------------------------------ loss and optimizer

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, Tensor loss, Tensor lse) {
        int rows = logits.shape()[0];
        int v = logits.shape()[1];
        for (int r = 0; r < rows; r++) {
            long base = logits.offset() + (long) r * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, get(logits, base + j));
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(get(logits, base + j) - max);
            }
            double l = max + Math.log(sum);
            set(lse, r, l);
            long t = Elements.getLong(targets.segment(), targets.dtype(), targets.offset() + (long) r * targets.strides()[0]);
            set(loss, r, t == ignoreIndex ? 0.0 : l - get(logits, base + t));
        }
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, long ignoreIndex, Tensor lse, Tensor gLoss, Tensor gLogits) {
        int rows = logits.shape()[0];
        int v = logits.shape()[1];
        for (int r = 0; r < rows; r++) {
            long base = logits.offset() + (long) r * v;
            long t = Elements.getLong(targets.segment(), targets.dtype(), targets.offset() + (long) r * targets.strides()[0]);
            double g = t == ignoreIndex ? 0.0 : get(gLoss, gLoss.offset() + (long) r * gLoss.strides()[0]);
            double l = get(lse, r);
            for (int j = 0; j < v; j++) {
                double p = Math.exp(get(logits, base + j) - l);
                set(gLogits, (long) r * v + j, g * (p - (j == t ? 1.0 : 0.0)));
            }
        }
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, long step) {
        int n = param.numel();
        int[] gOff = offsets(grad);
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double p = get(param, i) * (1 - lr * weightDecay);
            double g = get(grad, gOff[i]);
            double mi = get(m, i) * beta1 + (1 - beta1) * g;
            double vi = get(v, i) * beta2 + (1 - beta2) * g * g;
            double denom = Math.sqrt(vi) / Math.sqrt(bc2) + eps;
            set(param, i, p - lr / bc1 * mi / denom);
            set(m, i, mi);
            set(v, i, vi);
        }
    }

    /** Element type of a view, exposed for subclasses that special-case dtypes. */
    protected static boolean isF32(Tensor t) {
        return t.dtype() == DType.F32;
    }
}
