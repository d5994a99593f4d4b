package dev.llava4j.tensor;

import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.UnaryOp;
import dev.llava4j.tensor.ops.Elementwise;
import dev.llava4j.tensor.ops.Functional;
import dev.llava4j.tensor.ops.Linalg;
import dev.llava4j.tensor.ops.Reductions;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An n-dimensional view (shape, strides, offset, dtype) over a {@link Storage}. Views share storage; operations
 * allocate new tensors and, when grad mode is on and an input requires grad, record a {@link Node} so that
 * {@link #backward()} can compute gradients. See {@link TensorScope} for when memory is freed.
 */
public final class Tensor {
    private final Storage storage;
    private final DType dtype;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    private boolean requiresGrad;
    private Node gradFn;
    private Tensor grad;

    public Tensor(Storage storage, DType dtype, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /** Uninitialised (in practice zero-filled) contiguous tensor on the CPU. */
    public static Tensor empty(DType dtype, int... shape) {
        int n = Shape.numel(shape);
        HostStorage st = HostStorage.allocate((long) n * dtype.byteSize());
        return new Tensor(st, dtype, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    public static Tensor empty(int... shape) {
        return empty(DType.F32, shape);
    }

    /**
     * Contiguous tensor on {@code device}. CPU memory comes zero-filled as in {@link #empty(DType, int...)}; other
     * devices' memory comes from their backend ({@link Backend#allocate}) uninitialised, and is registered with the
     * open {@link TensorScope} here so scopes free device memory exactly like host memory.
     */
    public static Tensor empty(Device device, DType dtype, int... shape) {
        if (device == Device.CPU) {
            return empty(dtype, shape);
        }
        long bytes = (long) Shape.numel(shape) * dtype.byteSize();
        Storage st = Backends.forDevice(device).allocate(bytes);
        TensorScope.register(st);
        return new Tensor(st, dtype, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /** Zero-filled contiguous tensor on {@code device} (device memory is not zeroed by allocation, so it is filled). */
    public static Tensor zeros(Device device, DType dtype, int... shape) {
        Tensor t = empty(device, dtype, shape);
        if (device != Device.CPU) {
            t.backend().fill(t, 0);
        }
        return t;
    }

    /** A tensor of {@code value} on {@code device}. */
    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        Tensor t = empty(device, dtype, shape);
        t.backend().fill(t, value);
        return t;
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return empty(dtype, shape);
    }

    public static Tensor zeros(int... shape) {
        return empty(DType.F32, shape);
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.device(), t.dtype, t.shape);
    }

    public static Tensor ones(int... shape) {
        return full(1.0, DType.F32, shape);
    }

    public static Tensor full(double value, DType dtype, int... shape) {
        Tensor t = empty(dtype, shape);
        t.backend().fill(t, value);
        return t;
    }

    public static Tensor full(double value, int... shape) {
        return full(value, DType.F32, shape);
    }

    public static Tensor scalar(double value) {
        return full(value, DType.F32);
    }

    /** 0, 1, ..., n-1 as I64 (like torch.arange with an integer end). */
    public static Tensor arange(int n) {
        return arange(0, n, 1, DType.I64);
    }

    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0) {
            throw new IllegalArgumentException("arange step must be non-zero");
        }
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        Tensor t = empty(dtype, n);
        MemorySegment seg = t.segment();
        for (int i = 0; i < n; i++) {
            Elements.set(seg, dtype, i, start + i * step);
        }
        return t;
    }

    /** steps evenly spaced F32 values from start to end inclusive, computed like torch.linspace. */
    public static Tensor linspace(double start, double end, int steps) {
        Tensor t = empty(DType.F32, steps);
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            // torch fills the second half backwards from end, so the endpoint is exact
            double v = i < half ? start + step * i : end - step * (steps - 1 - i);
            Elements.set(t.segment(), DType.F32, i, v);
        }
        return t;
    }

    public static Tensor eye(int n) {
        Tensor t = zeros(n, n);
        for (int i = 0; i < n; i++) {
            Elements.set(t.segment(), DType.F32, (long) i * n + i, 1.0);
        }
        return t;
    }

    public static Tensor rand(Generator gen, int... shape) {
        return uniform(gen, 0, 1, shape);
    }

    public static Tensor randn(Generator gen, int... shape) {
        return normal(gen, 0, 1, shape);
    }

    public static Tensor uniform(Generator gen, double low, double high, int... shape) {
        Tensor t = empty(DType.F32, shape);
        MemorySegment seg = t.segment();
        for (long i = 0, n = t.numel(); i < n; i++) {
            Elements.set(seg, DType.F32, i, low + (high - low) * gen.nextDouble());
        }
        return t;
    }

    public static Tensor normal(Generator gen, double mean, double std, int... shape) {
        Tensor t = empty(DType.F32, shape);
        MemorySegment seg = t.segment();
        for (long i = 0, n = t.numel(); i < n; i++) {
            Elements.set(seg, DType.F32, i, mean + std * gen.nextGaussian());
        }
        return t;
    }

    /** A contiguous F32 tensor holding a copy of {@code data}. */
    public static Tensor of(float[] data, int... shape) {
        if (shape.length == 0 && data.length != 1) {
            shape = new int[]{data.length};
        }
        checkLength(data.length, shape);
        Tensor t = empty(DType.F32, shape);
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, data.length);
        return t;
    }

    public static Tensor of(double[] data, DType dtype, int... shape) {
        checkLength(data.length, shape);
        Tensor t = empty(dtype, shape);
        for (int i = 0; i < data.length; i++) {
            Elements.set(t.segment(), dtype, i, data[i]);
        }
        return t;
    }

    /** A contiguous I64 tensor (token ids, labels, indices). */
    public static Tensor ofLongs(long[] data, int... shape) {
        if (shape.length == 0) {
            shape = new int[]{data.length};
        }
        checkLength(data.length, shape);
        Tensor t = empty(DType.I64, shape);
        for (int i = 0; i < data.length; i++) {
            Elements.setLong(t.segment(), DType.I64, i, data[i]);
        }
        return t;
    }

    /** A tensor with shape and dtype but no data (see {@link MetaStorage}); replaced when weights are loaded. */
    public static Tensor meta(DType dtype, int... shape) {
        int n = Shape.numel(shape);
        return new Tensor(new MetaStorage((long) n * dtype.byteSize()), dtype, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    public boolean isMeta() {
        return storage instanceof MetaStorage;
    }

    /** Views existing host memory (e.g. a memory-mapped checkpoint tensor) without copying. */
    public static Tensor wrap(MemorySegment data, DType dtype, int... shape) {
        int n = Shape.numel(shape);
        if ((long) n * dtype.byteSize() != data.byteSize()) {
            throw new IllegalArgumentException("shape " + Shape.toString(shape) + " of " + dtype + " needs "
                    + (long) n * dtype.byteSize() + " bytes, the memory has " + data.byteSize());
        }
        return new Tensor(HostStorage.wrap(data), dtype, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    private static void checkLength(int length, int[] shape) {
        if (Shape.numel(shape) != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Shape.toString(shape));
        }
    }

    // ---------------------------------------------------------------- metadata

    public int[] shape() {
        return shape.clone();
    }

    public int size(int dim) {
        return shape[Shape.dim(dim, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int stride(int dim) {
        return strides[Shape.dim(dim, shape.length)];
    }

    public int offset() {
        return offset;
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return storage.device();
    }

    public Storage storage() {
        return storage;
    }

    /** The host memory of this tensor's storage (whole storage; index it with offset and strides). */
    public MemorySegment segment() {
        storage.checkAlive();
        if (storage instanceof MetaStorage) {
            throw new IllegalStateException("tensor of shape " + Shape.toString(shape) + " has no data: it is a"
                    + " placeholder parameter that was neither initialised nor loaded from a checkpoint");
        }
        if (!(storage instanceof HostStorage hs)) {
            throw new IllegalStateException("tensor lives on " + device() + "; copy it to the CPU first");
        }
        return hs.segment();
    }

    public Backend backend() {
        storage.checkAlive();
        return Backends.forDevice(device());
    }

    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    // ---------------------------------------------------------------- element access

    // Reads below work on any device: a device tensor is copied to the host first (only the element read, or the
    // whole tensor for the array forms), so they are for small results (a loss, logits of one step), not for loops.

    public double getDouble(int... index) {
        if (!readableOnHost()) {
            return element(index).getDouble();
        }
        return Elements.get(segment(), dtype, elementOffset(index));
    }

    public float getFloat(int... index) {
        return (float) getDouble(index);
    }

    public long getLong(int... index) {
        if (!readableOnHost()) {
            return element(index).getLong();
        }
        return Elements.getLong(segment(), dtype, elementOffset(index));
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, this one has shape " + Shape.toString(shape));
        }
        return (float) getDouble(new int[shape.length]);
    }

    /** Host memory or a placeholder: read in place (a placeholder then fails in segment() with its own message). */
    private boolean readableOnHost() {
        return storage instanceof HostStorage || storage instanceof MetaStorage;
    }

    /** A host copy of one element of a device tensor, as a 0-d tensor. */
    private Tensor element(int[] index) {
        Tensor view = new Tensor(storage, dtype, new int[0], new int[0], (int) elementOffset(index));
        return view.hostCopy();
    }

    /** A host copy recorded in no graph and owned by the garbage collector (reads must not fill the caller's scope). */
    private Tensor hostCopy() {
        return TensorScope.outside(() -> {
            Tensor out = empty(dtype, shape);
            Devices.mover(device(), Device.CPU).copy(this, out);
            return out;
        });
    }

    private long elementOffset(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + index.length + " for a tensor of rank " + shape.length);
        }
        long off = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + index[i] + " out of range for dimension " + i + " of size " + shape[i]);
            }
            off += (long) ix * strides[i];
        }
        return off;
    }

    /** Elements in row-major order as float. */
    public float[] toFloatArray() {
        double[] d = toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    public double[] toDoubleArray() {
        if (!readableOnHost()) {
            return hostCopy().toDoubleArray();
        }
        MemorySegment seg = segment();
        int n = numel();
        double[] out = new double[n];
        MultiIndex it = new MultiIndex(shape, new int[][]{strides}, new int[]{offset});
        for (int i = 0; i < n; i++) {
            out[i] = Elements.get(seg, dtype, it.offset(0));
            it.next();
        }
        return out;
    }

    public long[] toLongArray() {
        if (!readableOnHost()) {
            return hostCopy().toLongArray();
        }
        MemorySegment seg = segment();
        int n = numel();
        long[] out = new long[n];
        MultiIndex it = new MultiIndex(shape, new int[][]{strides}, new int[]{offset});
        for (int i = 0; i < n; i++) {
            out[i] = Elements.getLong(seg, dtype, it.offset(0));
            it.next();
        }
        return out;
    }

    // ---------------------------------------------------------------- views (share storage)

    /** A view with new metadata over the same storage, recording the given backward rule. */
    private Tensor view(int[] newShape, int[] newStrides, int newOffset, String name, Node.Rule rule) {
        storage.checkAlive();
        Tensor v = new Tensor(storage, dtype, newShape, newStrides, newOffset);
        return Node.record(v, name, rule, this);
    }

    /** Same data in a new shape (one dimension may be -1). Copies only when the strides do not allow a view. */
    public Tensor reshape(int... newShape) {
        int[] target = inferShape(newShape);
        if (Arrays.equals(target, shape)) {
            return this;
        }
        Tensor src = isContiguous() ? this : contiguous();
        int[] original = shape;
        return src.view(target, Shape.contiguousStrides(target), src.offset, "Reshape",
                g -> new Tensor[]{g.reshape(original)});
    }

    public Tensor view(int... newShape) {
        if (!isContiguous()) {
            throw new IllegalStateException("view() needs a contiguous tensor (shape " + Shape.toString(shape)
                    + ", strides " + Arrays.toString(strides) + "); use reshape()");
        }
        return reshape(newShape);
    }

    public Tensor flatten() {
        return reshape(-1);
    }

    private int[] inferShape(int[] newShape) {
        int[] out = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("only one dimension can be -1 in " + Arrays.toString(newShape));
                }
                infer = i;
            } else {
                known *= out[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shape.toString(shape) + " to " + Arrays.toString(newShape));
            }
            out[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("cannot reshape " + Shape.toString(shape) + " (" + n + " elements) to "
                    + Arrays.toString(newShape));
        }
        return out;
    }

    public Tensor permute(int... dims) {
        if (dims.length != shape.length) {
            throw new IllegalArgumentException("permute " + Arrays.toString(dims) + " for rank " + shape.length);
        }
        int[] ns = new int[dims.length];
        int[] nst = new int[dims.length];
        int[] inverse = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.dim(dims[i], shape.length);
            if (seen[d]) {
                throw new IllegalArgumentException("repeated dimension in permute " + Arrays.toString(dims));
            }
            seen[d] = true;
            ns[i] = shape[d];
            nst[i] = strides[d];
            inverse[d] = i;
        }
        return view(ns, nst, offset, "Permute", g -> new Tensor[]{g.permute(inverse)});
    }

    public Tensor transpose(int d0, int d1) {
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i;
        }
        int a = Shape.dim(d0, shape.length);
        int b = Shape.dim(d1, shape.length);
        dims[a] = b;
        dims[b] = a;
        return permute(dims);
    }

    /** Transpose of the last two dimensions. */
    public Tensor mT() {
        return transpose(-2, -1);
    }

    /** Elements start..start+length-1 along dim. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shape.dim(dim, shape.length);
        if (start < 0) {
            start += shape[d];
        }
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new IndexOutOfBoundsException("narrow(" + dim + ", " + start + ", " + length + ") out of range for size " + shape[d]);
        }
        int[] ns = shape.clone();
        ns[d] = length;
        int[] original = shape;
        int s0 = start;
        return view(ns, strides.clone(), offset + start * strides[d], "Narrow", g -> {
            Tensor z = zeros(g.device(), g.dtype, original);
            z.narrow(d, s0, length).copyFrom(g);
            return new Tensor[]{z};
        });
    }

    /** Python-style slice start:end:step along dim (end exclusive, negative values count from the end). */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shape.dim(dim, shape.length);
        if (step <= 0) {
            throw new IllegalArgumentException("slice step must be positive, got " + step);
        }
        int n = shape[d];
        int s = Math.clamp(start < 0 ? start + n : start, 0, n);
        int e = Math.clamp(end < 0 ? end + n : end, 0, n);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] ns = shape.clone();
        ns[d] = len;
        int[] nst = strides.clone();
        nst[d] = strides[d] * step;
        int[] original = shape;
        return view(ns, nst, offset + s * strides[d], "Slice", g -> {
            Tensor z = zeros(g.device(), g.dtype, original);
            z.slice(d, s, e, step).copyFrom(g);
            return new Tensor[]{z};
        });
    }

    /** Removes dimension dim by picking one index. */
    public Tensor select(int dim, int index) {
        int d = Shape.dim(dim, shape.length);
        int ix = index < 0 ? index + shape[d] : index;
        if (ix < 0 || ix >= shape[d]) {
            throw new IndexOutOfBoundsException("select index " + index + " out of range for dimension " + dim + " of size " + shape[d]);
        }
        int[] ns = new int[shape.length - 1];
        int[] nst = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                ns[j] = shape[i];
                nst[j++] = strides[i];
            }
        }
        int[] original = shape;
        return view(ns, nst, offset + ix * strides[d], "Select", g -> {
            Tensor z = zeros(g.device(), g.dtype, original);
            z.select(d, ix).copyFrom(g);
            return new Tensor[]{z};
        });
    }

    /** Broadcast view to a larger shape (size-1 dimensions get stride 0; new leading dimensions are added). */
    public Tensor expand(int... newShape) {
        if (Arrays.equals(newShape, shape)) {
            return this;
        }
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("cannot expand " + Shape.toString(shape) + " to fewer dimensions " + Arrays.toString(newShape));
        }
        int lead = newShape.length - shape.length;
        int[] ns = newShape.clone();
        int[] nst = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            if (i < lead) {
                nst[i] = 0;
                continue;
            }
            int old = shape[i - lead];
            if (ns[i] == -1) {
                ns[i] = old;
            }
            if (old == ns[i]) {
                nst[i] = strides[i - lead];
            } else if (old == 1) {
                nst[i] = 0;
            } else {
                throw new IllegalArgumentException("cannot expand " + Shape.toString(shape) + " to " + Arrays.toString(newShape));
            }
        }
        int[] original = shape;
        return view(ns, nst, offset, "Expand", g -> new Tensor[]{Reductions.sumToShape(g, original)});
    }

    public Tensor unsqueeze(int dim) {
        int d = Shape.dim(dim, shape.length + 1);
        int[] ns = new int[shape.length + 1];
        int[] nst = new int[shape.length + 1];
        for (int i = 0, j = 0; i < ns.length; i++) {
            if (i == d) {
                ns[i] = 1;
                nst[i] = d < shape.length ? strides[d] * shape[d] : 1;
            } else {
                ns[i] = shape[j];
                nst[i] = strides[j++];
            }
        }
        int[] original = shape;
        return view(ns, nst, offset, "Unsqueeze", g -> new Tensor[]{g.reshape(original)});
    }

    /** Removes dimension dim if its size is 1. */
    public Tensor squeeze(int dim) {
        int d = Shape.dim(dim, shape.length);
        if (shape[d] != 1) {
            return this;
        }
        return select(d, 0);
    }

    /** Removes every size-1 dimension. */
    public Tensor squeeze() {
        Tensor t = this;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 1) {
                t = t.select(d, 0);
            }
        }
        return t;
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        if (isContiguous()) {
            return this;
        }
        return Elementwise.copy(this, dtype);
    }

    /** A copy converted to dtype (this tensor if it already has it). */
    public Tensor to(DType target) {
        return target == dtype ? this : Elementwise.copy(this, target);
    }

    /**
     * This tensor on {@code target} (itself when already there), as a contiguous copy made by the transfer routines
     * of the non-CPU side's backend. Differentiable: the gradient goes back to this tensor's device.
     */
    public Tensor to(Device target) {
        Device from = device();
        if (target == from) {
            return this;
        }
        Tensor out = empty(target, dtype, shape);
        Devices.mover(from, target).copy(this, out);
        return Node.record(out, "ToDevice", g -> new Tensor[]{g.to(from)}, this);
    }

    /** This tensor on the CPU (itself when already there). */
    public Tensor toHost() {
        return to(Device.CPU);
    }

    /** A contiguous copy that never shares storage with this tensor. */
    public Tensor copy() {
        return Elementwise.copy(this, dtype);
    }

    // ---------------------------------------------------------------- in-place (no autograd)

    /** Copies src (broadcast to this shape, converted to this dtype) into this tensor or view. Not differentiable. */
    public Tensor copyFrom(Tensor src) {
        checkInPlace();
        // a copy may cross devices (like torch's copy_); the device side's backend owns the transfer
        Devices.mover(src.device(), device()).copy(src.expand(shape), this);
        return this;
    }

    public Tensor fill(double value) {
        checkInPlace();
        backend().fill(this, value);
        return this;
    }

    public Tensor zero() {
        return fill(0);
    }

    /** this += other (broadcast), not differentiable: for optimizers and gradient accumulation. */
    public Tensor addInPlace(Tensor other) {
        checkInPlace();
        Tensor sum;
        try (GradMode.Guard g = GradMode.noGrad()) {
            sum = Elementwise.binary(BinaryOp.ADD, this, other);
        }
        backend().copy(sum, this);
        if (sum.storage != storage) {
            sum.storage.release();
        }
        return this;
    }

    private void checkInPlace() {
        if (GradMode.isEnabled() && requiresGrad) {
            throw new IllegalStateException("in-place modification of a tensor that requires grad; wrap it in GradMode.noGrad()");
        }
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as needing a gradient. Returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("cannot clear requiresGrad of a non-leaf tensor; use detach()");
        }
        if (value && !dtype.isFloating()) {
            throw new IllegalArgumentException("only floating tensors can require grad, this one is " + dtype);
        }
        this.requiresGrad = value;
        return this;
    }

    public Node gradFn() {
        return gradFn;
    }

    void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The accumulated gradient (leaf tensors only), or null before the first backward. */
    public Tensor grad() {
        return grad;
    }

    public void setGrad(Tensor g) {
        this.grad = g;
    }

    /**
     * Frees the gradient's memory now and forgets it, as PyTorch's {@code zero_grad(set_to_none=True)}: the next
     * backward writes a fresh gradient instead of adding into a zero-filled one (no fill, a copy instead of an add),
     * and the memory goes back to its pool at once instead of when the collector runs. A gradient tensor obtained
     * earlier with {@link #grad()} must not be used afterwards.
     */
    public void releaseGrad() {
        if (grad != null) {
            grad.release();
            grad = null;
        }
    }

    public void zeroGrad() {
        if (grad != null) {
            try (GradMode.Guard g = GradMode.noGrad()) {
                grad.fill(0);
            }
        }
    }

    /** The same data, cut from the graph. */
    public Tensor detach() {
        return new Tensor(storage, dtype, shape, strides, offset);
    }

    /** Backpropagates from a one-element tensor (gradient 1). */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() without a gradient needs a one-element tensor, this one has shape "
                    + Shape.toString(shape) + "; pass the upstream gradient");
        }
        backward(full(1.0, dtype, device(), shape));
    }

    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient);
    }

    /**
     * Adds g into .grad; the gradient tensor lives outside every TensorScope so it outlives the step. When .grad is
     * empty and {@code g} may be taken over (the caller knows no other tensor will be handed its memory) and is a
     * contiguous, whole-storage tensor of this tensor's dtype and device, its memory becomes .grad as it is: no copy.
     */
    void accumulateGrad(Tensor g, boolean mayTakeOver) {
        if (grad == null && mayTakeOver && ownsWholeStorage(g) && g.dtype == dtype && g.device() == device()) {
            TensorScope.escape(g.storage);
            grad = g.detach();
        } else if (grad == null) {
            grad = TensorScope.outside(() -> {
                Tensor c = empty(device(), dtype, shape); // on the parameter's device
                Devices.mover(g.device(), c.device()).copy(g, c);
                return c;
            });
        } else {
            grad.addInPlace(g);
        }
    }

    private static boolean ownsWholeStorage(Tensor g) {
        return g.offset == 0 && g.isContiguous() && g.storage.byteSize() == (long) g.numel() * g.dtype.byteSize();
    }

    // ---------------------------------------------------------------- memory

    /** Frees this tensor's storage now (all views of it become unusable). */
    public void release() {
        storage.release();
    }

    public boolean isReleased() {
        return !storage.isAlive();
    }

    // ---------------------------------------------------------------- operations (see dev.llava4j.tensor.ops)

    public Tensor add(Tensor o) { return Elementwise.binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary(BinaryOp.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary(BinaryOp.DIV, this, o); }
    public Tensor pow(Tensor o) { return Elementwise.binary(BinaryOp.POW, this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.binary(BinaryOp.MAX, this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.binary(BinaryOp.MIN, this, o); }
    public Tensor add(double s) { return Elementwise.binary(BinaryOp.ADD, this, scalarLike(s)); }
    public Tensor sub(double s) { return Elementwise.binary(BinaryOp.SUB, this, scalarLike(s)); }
    public Tensor mul(double s) { return Elementwise.binary(BinaryOp.MUL, this, scalarLike(s)); }
    public Tensor div(double s) { return Elementwise.binary(BinaryOp.DIV, this, scalarLike(s)); }
    public Tensor pow(double s) { return Elementwise.binary(BinaryOp.POW, this, scalarLike(s)); }
    public Tensor eq(Tensor o) { return Elementwise.binary(BinaryOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return Elementwise.binary(BinaryOp.NE, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.binary(BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return Elementwise.binary(BinaryOp.LE, this, o); }
    public Tensor gt(Tensor o) { return Elementwise.binary(BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.binary(BinaryOp.GE, this, o); }
    public Tensor eq(double s) { return eq(scalarLike(s)); }
    public Tensor lt(double s) { return lt(scalarLike(s)); }
    public Tensor gt(double s) { return gt(scalarLike(s)); }

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this); }
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this); }
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this); }
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this); }
    public Tensor rsqrt() { return Elementwise.unary(UnaryOp.RSQRT, this); }
    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this); }
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this); }
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this); }
    public Tensor gelu() { return Elementwise.unary(UnaryOp.GELU, this); }
    public Tensor geluTanh() { return Elementwise.unary(UnaryOp.GELU_TANH, this); }
    public Tensor quickGelu() { return Elementwise.unary(UnaryOp.QUICK_GELU, this); }
    public Tensor silu() { return Elementwise.unary(UnaryOp.SILU, this); }
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this); }
    public Tensor square() { return Elementwise.unary(UnaryOp.SQUARE, this); }
    public Tensor clamp(double min, double max) { return Elementwise.clamp(this, min, max); }
    public Tensor maskedFill(Tensor mask, double value) { return Elementwise.maskedFill(this, mask, value); }

    public Tensor sum() { return Reductions.sum(this, null, false); }
    public Tensor sum(int dim, boolean keepDim) { return Reductions.sum(this, new int[]{dim}, keepDim); }
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }
    public Tensor mean() { return Reductions.mean(this, null, false); }
    public Tensor mean(int dim, boolean keepDim) { return Reductions.mean(this, new int[]{dim}, keepDim); }
    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }
    public Tensor max() { return Reductions.maxAll(this); }
    public Reductions.ValuesIndices max(int dim, boolean keepDim) { return Reductions.max(this, dim, keepDim); }
    public Reductions.ValuesIndices min(int dim, boolean keepDim) { return Reductions.min(this, dim, keepDim); }
    public Tensor argmax(int dim, boolean keepDim) { return Reductions.max(this, dim, keepDim).indices(); }
    public Tensor var(int dim, boolean keepDim, int correction) { return Reductions.var(this, new int[]{dim}, keepDim, correction); }
    public Tensor logsumexp(int dim, boolean keepDim) { return Reductions.logsumexp(this, dim, keepDim); }

    public Tensor matmul(Tensor o) { return Linalg.matmul(this, o); }
    public Tensor softmax(int dim) { return Functional.softmax(this, dim); }
    public Tensor logSoftmax(int dim) { return Functional.logSoftmax(this, dim); }

    /** A 0-d F32 tensor; as in PyTorch, a 0-d operand does not change the result dtype of a floating tensor. */
    private static Tensor scalarLike(double s) {
        // a host scalar: Elementwise.binary re-creates it on this tensor's device when that is not the CPU
        return full(s, DType.F32);
    }

    // ---------------------------------------------------------------- printing

    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }
}
