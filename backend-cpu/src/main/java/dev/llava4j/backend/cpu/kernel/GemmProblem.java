package dev.llava4j.backend.cpu.kernel;

import java.lang.foreign.MemorySegment;

/**
 * One (non-batched) GEMM C = alpha * A·B + beta * C with every operand given as segment, element
 * offset and element strides; C has unit column stride. Already validated by {@link Sgemm}.
 */
record GemmProblem(int m, int n, int k, float alpha,
                   MemorySegment a, long aOffset, long aRowStride, long aColStride,
                   MemorySegment b, ElementType bType, long bOffset, long bRowStride, long bColStride,
                   float beta, MemorySegment c, long cOffset, long cRowStride) {
}
