package dev.llava4j.tensor.ops;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Devices;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Node;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Joining, splitting and index-based selection, with gradient rules. */
public final class Indexing {
    private Indexing() {
    }

    public static Tensor cat(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cat of no tensors");
        }
        Tensor first = parts.get(0);
        int d = Shape.dim(dim, first.rank());
        int[] shape = first.shape();
        int total = 0;
        DType dt = first.dtype();
        for (Tensor t : parts) {
            int[] s = t.shape();
            if (s.length != shape.length) {
                throw new IllegalArgumentException("cat: tensors of rank " + shape.length + " and " + s.length);
            }
            for (int i = 0; i < s.length; i++) {
                if (i != d && s[i] != shape[i]) {
                    throw new IllegalArgumentException("cat along " + dim + ": shapes " + Shape.toString(shape) + " and " + Shape.toString(s));
                }
            }
            total += s[d];
            if (t.dtype() != dt) {
                dt = Elementwise.resultType(Tensor.empty(dt, 1), t);
            }
        }
        shape[d] = total;
        Tensor out = Tensor.empty(Devices.common("cat", parts.toArray(new Tensor[0])), dt, shape);
        int[] starts = new int[parts.size()];
        try (GradMode.Guard g = GradMode.noGrad()) {
            int at = 0;
            for (int i = 0; i < parts.size(); i++) {
                Tensor t = parts.get(i);
                starts[i] = at;
                out.narrow(d, at, t.shape()[d]).copyFrom(t);
                at += t.shape()[d];
            }
        }
        Tensor[] inputs = parts.toArray(new Tensor[0]);
        return Node.record(out, "Cat", g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                grads[i] = g.narrow(d, starts[i], inputs[i].shape()[d]).to(inputs[i].dtype());
            }
            return grads;
        }, inputs);
    }

    public static Tensor stack(List<Tensor> parts, int dim) {
        int d = Shape.dim(dim, parts.get(0).rank() + 1);
        List<Tensor> unsq = new ArrayList<>();
        for (Tensor t : parts) {
            unsq.add(t.unsqueeze(d));
        }
        return cat(unsq, d);
    }

    /** Views of consecutive pieces of {@code size} along dim (the last may be smaller). */
    public static List<Tensor> split(Tensor x, int size, int dim) {
        if (size <= 0) {
            throw new IllegalArgumentException("split size must be positive");
        }
        int d = Shape.dim(dim, x.rank());
        List<Tensor> out = new ArrayList<>();
        for (int at = 0; at < x.shape()[d]; at += size) {
            out.add(x.narrow(d, at, Math.min(size, x.shape()[d] - at)));
        }
        return out;
    }

    /** n pieces of (nearly) equal size along dim, like torch.chunk. */
    public static List<Tensor> chunk(Tensor x, int n, int dim) {
        int len = x.size(dim);
        return split(x, Math.max(1, (len + n - 1) / n), dim);
    }

    public static Tensor indexSelect(Tensor src, int dim, Tensor index) {
        int d = Shape.dim(dim, src.rank());
        checkIndex(index, "index_select");
        if (index.rank() != 1) {
            throw new IllegalArgumentException("index_select needs a 1-d index, got shape " + Shape.toString(index.shape()));
        }
        int[] shape = src.shape();
        shape[d] = index.size(0);
        Tensor out = Tensor.empty(Devices.common("index_select", src, index), src.dtype(), shape);
        out.backend().indexSelect(src, d, index, out);
        int[] srcShape = src.shape();
        return Node.record(out, "IndexSelect", g -> {
            Tensor z = Tensor.zeros(g.device(), g.dtype(), srcShape);
            z.backend().indexAdd(z, d, index, g);
            return new Tensor[]{z, null};
        }, src, index);
    }

    /** Rows of weight picked by integer ids of any shape: result shape ids.shape + [D]. */
    public static Tensor embedding(Tensor weight, Tensor ids) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("embedding weight must be 2-d, got " + Shape.toString(weight.shape()));
        }
        Tensor flat = indexSelect(weight, 0, ids.reshape(-1));
        return flat.reshape(Shape.concat(ids.shape(), weight.size(1)));
    }

    public static Tensor gather(Tensor src, int dim, Tensor index) {
        int d = Shape.dim(dim, src.rank());
        checkIndex(index, "gather");
        if (index.rank() != src.rank()) {
            throw new IllegalArgumentException("gather: index rank " + index.rank() + " != input rank " + src.rank());
        }
        Tensor out = Tensor.empty(Devices.common("gather", src, index), src.dtype(), index.shape());
        out.backend().gather(src, d, index, out);
        int[] srcShape = src.shape();
        return Node.record(out, "Gather", g -> {
            Tensor z = Tensor.zeros(g.device(), g.dtype(), srcShape);
            z.backend().scatterAdd(z, d, index, g);
            return new Tensor[]{z, null};
        }, src, index);
    }

    /** Out-of-place scatter_add: a copy of dst with src added at index along dim. */
    public static Tensor scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        int d = Shape.dim(dim, dst.rank());
        checkIndex(index, "scatter_add");
        if (!Arrays.equals(index.shape(), src.shape())) {
            throw new IllegalArgumentException("scatter_add: index shape " + Shape.toString(index.shape())
                    + " must equal src shape " + Shape.toString(src.shape()));
        }
        Device device = Devices.common("scatter_add", dst, index, src);
        Tensor out = Tensor.empty(device, dst.dtype(), dst.shape());
        out.backend().copy(dst, out);
        out.backend().scatterAdd(out, d, index, src);
        return Node.record(out, "ScatterAdd", g -> new Tensor[]{
                dst.requiresGrad() ? g : null, null, src.requiresGrad() ? gather(g, d, index) : null}, dst, index, src);
    }

    private static void checkIndex(Tensor index, String op) {
        if (index.dtype() != DType.I64 && index.dtype() != DType.I32) {
            throw new IllegalArgumentException(op + " needs an I64 or I32 index, got " + index.dtype());
        }
    }
}
