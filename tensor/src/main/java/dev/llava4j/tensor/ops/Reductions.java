package dev.llava4j.tensor.ops;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Node;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.ReduceOp;

import java.util.Arrays;

/** Reductions over any set of dimensions, with keepDim, and their gradient rules. */
public final class Reductions {
    private Reductions() {
    }

    /** Values and their indices along one dimension (max/min). */
    public record ValuesIndices(Tensor values, Tensor indices) {
    }

    /** Sorted, de-duplicated, non-negative dims; null means all dims. */
    static int[] normalizeDims(int[] dims, int rank) {
        if (dims == null) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        return Arrays.stream(dims).map(d -> Shape.dim(d, rank)).distinct().sorted().toArray();
    }

    static int[] keptShape(int[] shape, int[] dims) {
        int[] out = shape.clone();
        for (int d : dims) {
            out[d] = 1;
        }
        return out;
    }

    static int[] droppedShape(int[] shape, int[] dims) {
        return java.util.stream.IntStream.range(0, shape.length)
                .filter(i -> Arrays.binarySearch(dims, i) < 0).map(i -> shape[i]).toArray();
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        int[] d = normalizeDims(dims, x.rank());
        int[] kept = keptShape(x.shape(), d);
        DType dt = x.dtype().isFloating() ? x.dtype() : DType.I64;
        Tensor out = Tensor.empty(x.device(), dt, kept);
        x.backend().reduce(ReduceOp.SUM, x, d, out);
        Tensor result;
        try (GradMode.Guard g = GradMode.noGrad()) {
            result = keepDim ? out : out.reshape(droppedShape(x.shape(), d));
        }
        int[] xShape = x.shape();
        return Node.record(result, "Sum", g -> new Tensor[]{g.reshape(kept).expand(xShape)}, x);
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        int[] d = normalizeDims(dims, x.rank());
        long n = 1;
        for (int k : d) {
            n *= x.shape()[k];
        }
        return sum(x, d, keepDim).div((double) n);
    }

    public static ValuesIndices max(Tensor x, int dim, boolean keepDim) {
        return argReduce(true, x, dim, keepDim);
    }

    public static ValuesIndices min(Tensor x, int dim, boolean keepDim) {
        return argReduce(false, x, dim, keepDim);
    }

    private static ValuesIndices argReduce(boolean isMax, Tensor x, int dim, boolean keepDim) {
        int d = Shape.dim(dim, x.rank());
        if (x.shape()[d] == 0) {
            throw new IllegalArgumentException((isMax ? "max" : "min") + " over an empty dimension " + dim);
        }
        int[] kept = keptShape(x.shape(), new int[]{d});
        Tensor values = Tensor.empty(x.device(), x.dtype(), kept);
        Tensor indices = Tensor.empty(x.device(), DType.I64, kept);
        x.backend().argReduce(isMax, x, d, values, indices);
        int[] xShape = x.shape();
        Tensor v = values;
        Tensor ix = indices;
        if (!keepDim) {
            try (GradMode.Guard g = GradMode.noGrad()) {
                v = values.squeeze(d);
                ix = indices.squeeze(d);
            }
        }
        Tensor vOut = Node.record(v, isMax ? "Max" : "Min", g -> {
            Tensor z = Tensor.zeros(g.device(), g.dtype(), xShape);
            return new Tensor[]{Indexing.scatterAdd(z, d, indices, g.reshape(kept))};
        }, x);
        return new ValuesIndices(vOut, ix);
    }

    /** Maximum over all elements. */
    public static Tensor maxAll(Tensor x) {
        return max(x.reshape(-1), 0, false).values();
    }

    /** Variance with the given correction (1 = unbiased, 0 = biased, like torch.var). */
    public static Tensor var(Tensor x, int[] dims, boolean keepDim, int correction) {
        int[] d = normalizeDims(dims, x.rank());
        long n = 1;
        for (int k : d) {
            n *= x.shape()[k];
        }
        Tensor centered = x.sub(mean(x, d, true));
        return sum(centered.square(), d, keepDim).div((double) Math.max(n - correction, 0));
    }

    /** log(sum(exp(x))) along dim, stabilised by the (constant) maximum. */
    public static Tensor logsumexp(Tensor x, int dim, boolean keepDim) {
        Tensor m;
        try (GradMode.Guard g = GradMode.noGrad()) {
            m = max(x, dim, true).values();
            m = Elementwise.where(m.eq(Double.NEGATIVE_INFINITY), Tensor.scalar(0), m).detach();
        }
        Tensor s = sum(x.sub(m).exp(), new int[]{dim}, true).log().add(m);
        return keepDim ? s : s.squeeze(dim);
    }

    /** Sums a broadcast gradient back to the shape of the input it was broadcast from. */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) {
                dims.add(i);
            }
        }
        Tensor s = dims.isEmpty() ? g : sum(g, dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(shape);
    }
}
