package dev.llava4j.backend.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Iterates same-shaped strided views as rows of their (coalesced) last dimension, in parallel chunks. Kernels then
 * only write the inner loop, with unit or zero inner strides handled by vectors.
 */
final class RowLoop {
    /** Work on one row, or a piece of a long row: element offsets of its first element per operand, and its length. */
    interface Body {
        void row(int[] offsets, int length);
    }

    /** Long rows are cut into pieces of at most this many elements, so that one long row still uses every thread. */
    private static final int PIECE = 1 << 14;

    final int[] shape;
    final int[][] strides;
    final int[] offsets;
    final int rowLength;
    final int rows;

    /** Coalesces adjacent dimensions that are contiguous in every operand, dropping size-1 dimensions. */
    RowLoop(int[] viewShape, int[][] viewStrides, int[] viewOffsets) {
        List<int[]> dims = new ArrayList<>(); // each entry: size, stride per operand
        int ops = viewStrides.length;
        for (int d = 0; d < viewShape.length; d++) {
            if (viewShape[d] == 1) {
                continue;
            }
            int[] e = new int[ops + 1];
            e[0] = viewShape[d];
            for (int k = 0; k < ops; k++) {
                e[k + 1] = viewStrides[k][d];
            }
            if (!dims.isEmpty()) {
                int[] prev = dims.get(dims.size() - 1);
                boolean mergeable = true;
                for (int k = 0; k < ops; k++) {
                    if (prev[k + 1] != e[k + 1] * e[0]) {
                        mergeable = false;
                        break;
                    }
                }
                if (mergeable) {
                    prev[0] *= e[0];
                    for (int k = 0; k < ops; k++) {
                        prev[k + 1] = e[k + 1];
                    }
                    continue;
                }
            }
            dims.add(e);
        }
        if (dims.isEmpty()) {
            int[] e = new int[ops + 1];
            e[0] = 1;
            dims.add(e);
        }
        int r = dims.size();
        this.shape = new int[r];
        this.strides = new int[ops][r];
        for (int d = 0; d < r; d++) {
            this.shape[d] = dims.get(d)[0];
            for (int k = 0; k < ops; k++) {
                this.strides[k][d] = dims.get(d)[k + 1];
            }
        }
        this.offsets = viewOffsets.clone();
        this.rowLength = this.shape[r - 1];
        int n = 1;
        for (int d = 0; d < r - 1; d++) {
            n *= this.shape[d];
        }
        this.rows = n;
    }

    int innerStride(int operand) {
        return strides[operand][shape.length - 1];
    }

    /** Runs body on every row; rows (or pieces of long rows) are spread over threads when there is enough work. */
    void run(Body body) {
        if (rowLength == 0 || rows == 0) {
            return;
        }
        long work = (long) rows * rowLength;
        int grain = (int) Math.max(1, (1L << 15) / Math.max(rowLength, 1));
        if (work < (1 << 16)) {
            runRange(0, rows, body);
        } else if (rowLength <= PIECE || rows >= 4 * Parallel.threads()) {
            Parallel.parallelRange(rows, grain, (from, to) -> runRange(from, to, body));
        } else {
            int pieces = (rowLength + PIECE - 1) / PIECE;
            Parallel.parallelFor(rows * pieces, unit -> {
                int[] off = rowOffsets(unit / pieces);
                int start = unit % pieces * PIECE;
                for (int k = 0; k < off.length; k++) {
                    off[k] += start * strides[k][shape.length - 1];
                }
                body.row(off, Math.min(PIECE, rowLength - start));
            });
        }
    }

    /** Element offsets of the first element of row r, per operand. */
    private int[] rowOffsets(int r) {
        int[] off = offsets.clone();
        int rem = r;
        for (int d = shape.length - 2; d >= 0; d--) {
            int idx = rem % shape[d];
            rem /= shape[d];
            for (int k = 0; k < off.length; k++) {
                off[k] += idx * strides[k][d];
            }
        }
        return off;
    }

    /** Runs body on every row on the calling thread (for bodies that parallelise internally). */
    void runSerial(Body body) {
        if (rowLength > 0 && rows > 0) {
            runRange(0, rows, body);
        }
    }

    private void runRange(int from, int to, Body body) {
        int outer = shape.length - 1;
        int[] idx = new int[outer];
        int[] off = rowOffsets(from);
        int rem = from;
        for (int d = outer - 1; d >= 0; d--) {
            idx[d] = rem % shape[d];
            rem /= shape[d];
        }
        for (int r = from; r < to; r++) {
            body.row(off, rowLength);
            for (int d = outer - 1; d >= 0; d--) {
                idx[d]++;
                for (int k = 0; k < off.length; k++) {
                    off[k] += strides[k][d];
                }
                if (idx[d] < shape[d]) {
                    break;
                }
                for (int k = 0; k < off.length; k++) {
                    off[k] -= strides[k][d] * shape[d];
                }
                idx[d] = 0;
            }
        }
    }
}
