package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Index-space simplification before a launch: several operands that share one logical shape are rewritten to the
 * fewest dimensions that address the same elements in the same row-major order (size-1 dims dropped, adjacent dims
 * merged where every operand's strides allow). A contiguous elementwise op becomes rank 1, so the kernel's
 * division chain is one step; broadcast and transposed views keep exactly the dims they need.
 */
final class Layouts {
    /** The most dims a kernel accepts (LL_MAX_RANK in common.cuh). */
    static final int MAX_RANK = 8;

    private Layouts() {
    }

    /** A shape and one stride array per operand, in the order the operands were given. */
    record Coalesced(int[] shape, int[][] strides) {
        int rank() {
            return shape.length;
        }
    }

    static Coalesced coalesce(int[] shape, int[]... strides) {
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                dims.add(d);
            }
        }
        List<int[]> merged = new ArrayList<>();  // entries: {size, stride_0, stride_1, ...}
        for (int d : dims) {
            int[] cur = new int[strides.length + 1];
            cur[0] = shape[d];
            for (int k = 0; k < strides.length; k++) {
                cur[k + 1] = strides[k][d];
            }
            if (!merged.isEmpty() && mergeable(merged.getLast(), cur)) {
                int[] prev = merged.getLast();
                prev[0] = prev[0] * cur[0];
                for (int k = 1; k < prev.length; k++) {
                    prev[k] = cur[k];
                }
            } else {
                merged.add(cur);
            }
        }
        if (merged.size() > MAX_RANK) {
            throw new UnsupportedOperationException("the CUDA kernels take at most " + MAX_RANK
                    + " dimensions after merging; shape " + Shape.toString(shape) + " with strides "
                    + Arrays.deepToString(strides) + " needs " + merged.size());
        }
        int[] outShape = new int[merged.size()];
        int[][] outStrides = new int[strides.length][merged.size()];
        for (int i = 0; i < merged.size(); i++) {
            outShape[i] = merged.get(i)[0];
            for (int k = 0; k < strides.length; k++) {
                outStrides[k][i] = merged.get(i)[k + 1];
            }
        }
        return new Coalesced(outShape, outStrides);
    }

    /** An outer dim merges into the inner one when, for every operand, stepping it equals stepping the inner dim size times. */
    private static boolean mergeable(int[] outer, int[] inner) {
        for (int k = 1; k < outer.length; k++) {
            if ((long) outer[k] != (long) inner[k] * inner[0]) {
                return false;
            }
        }
        return true;
    }

    /** Checks that a rank-preserving launch (indexing, rope, attention) fits the kernels' fixed-size index arrays. */
    static void checkRank(int rank, String op) {
        if (rank > MAX_RANK) {
            throw new UnsupportedOperationException(op + " on the CUDA backend supports at most " + MAX_RANK
                    + " dimensions, got " + rank);
        }
    }

    /** Strides with 0 for size-1 dims, so a broadcastable view can be indexed with the full shape's indices. */
    static int[] broadcastStrides(int[] shape, int[] strides) {
        int[] s = strides.clone();
        for (int d = 0; d < s.length; d++) {
            if (shape[d] == 1) {
                s[d] = 0;
            }
        }
        return s;
    }

    /** Picks the entries of arr at the given positions. */
    static int[] pick(int[] arr, int[] positions) {
        int[] out = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = arr[positions[i]];
        }
        return out;
    }
}
