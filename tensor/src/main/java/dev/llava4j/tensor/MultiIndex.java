package dev.llava4j.tensor;

/**
 * Walks the elements of several same-shaped strided views in row-major order, keeping each view's current storage
 * offset: the scalar iteration behind the reference kernels. Usage:
 * <pre>
 * MultiIndex it = new MultiIndex(shape, new int[][]{a.strides(), b.strides()}, new int[]{a.offset(), b.offset()});
 * for (long i = 0; i < n; i++) { use(it.offset(0), it.offset(1)); it.next(); }
 * </pre>
 */
public final class MultiIndex {
    private final int[] shape;
    private final int[][] strides;
    private final int[] offsets;
    private final int[] index;

    public MultiIndex(int[] shape, int[][] strides, int[] offsets) {
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets.clone();
        this.index = new int[shape.length];
    }

    public static MultiIndex of(int[] shape, Tensor... views) {
        int[][] s = new int[views.length][];
        int[] o = new int[views.length];
        for (int i = 0; i < views.length; i++) {
            s[i] = views[i].strides();
            o[i] = views[i].offset();
        }
        return new MultiIndex(shape, s, o);
    }

    public int offset(int operand) {
        return offsets[operand];
    }

    /** The logical index of the current element (do not modify). */
    public int[] index() {
        return index;
    }

    public void next() {
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d]++;
            for (int k = 0; k < offsets.length; k++) {
                offsets[k] += strides[k][d];
            }
            if (index[d] < shape[d]) {
                return;
            }
            for (int k = 0; k < offsets.length; k++) {
                offsets[k] -= strides[k][d] * shape[d];
            }
            index[d] = 0;
        }
    }
}
