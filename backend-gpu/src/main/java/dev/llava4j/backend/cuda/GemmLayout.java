package dev.llava4j.backend.cuda;

/**
 * How a row-major matrix view X[rows, cols] (element (r, c) at r*rowStride + c*colStride) is handed to cuBLAS,
 * which reads column-major matrices. llava4j computes out = a·b as out^T = b^T · a^T in cuBLAS's terms, so each
 * operand is passed as its transpose: a view with unit column stride is already X^T in column-major order
 * (op N, ld = rowStride); a view with unit row stride is X in column-major order (op T, ld = colStride).
 * Anything else (both strides non-unit, or broadcast rows) needs a contiguous copy first.
 *
 * @param transpose whether cuBLAS must transpose the argument (CUBLAS_OP_T)
 * @param ld        the leading dimension to pass
 */
record GemmLayout(boolean transpose, int ld) {

    /** The layout, or null when the view must be copied to contiguous memory first. */
    static GemmLayout of(int rows, int cols, int rowStride, int colStride) {
        // a size-1 dim's stride is never used, and cuBLAS only checks ld >= the leading size
        if (colStride == 1 || cols == 1) {
            int ld = rows == 1 ? Math.max(1, cols) : rowStride;
            if (ld >= Math.max(1, cols)) {
                return new GemmLayout(false, ld);
            }
        }
        if (rowStride == 1 || rows == 1) {
            int ld = cols == 1 ? Math.max(1, rows) : colStride;
            if (ld >= Math.max(1, rows)) {
                return new GemmLayout(true, ld);
            }
        }
        return null;
    }
}
