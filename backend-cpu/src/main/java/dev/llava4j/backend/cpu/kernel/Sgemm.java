package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;

import java.lang.foreign.MemorySegment;

import dev.llava4j.backend.cpu.Parallel;

/**
 * General matrix multiply C = alpha * A·B + beta * C on F32 (A, C) with B in F32, BF16 or F16.
 *
 * <p>Every matrix is a strided view: element (r, c) of A sits at element index
 * {@code aOffset + r*aRowStride + c*aColStride} of segment {@code a} (likewise B; C has unit column
 * stride). Transposed operands are therefore just swapped strides: for y = x·Wᵀ with a Hugging Face
 * weight W [N, K] stored row-major, pass W as B with {@code bRowStride = 1, bColStride = K}.
 * Offsets and strides count elements, not bytes; strides must be non-negative (0 broadcasts).
 * Data is little-endian. When beta is 0, C is only written (NaNs already in C do not propagate).
 * C must not overlap A or B. Multithreaded over {@link Parallel}: with more than one thread the
 * segments are read and written from pool threads, so they must not be thread-confined (use global,
 * auto or shared arenas, or mapped files).
 */
public final class Sgemm {

    /** Products with m*n*k below this use a direct loop: packing would cost more than it saves. */
    static final long DIRECT_THRESHOLD = 32L * 32 * 32;

    private Sgemm() {
    }

    /** F32 GEMM: C[m,n] = alpha * A[m,k]·B[k,n] + beta * C. */
    public static void sgemm(int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, long aRowStride, long aColStride,
                             MemorySegment b, long bOffset, long bRowStride, long bColStride,
                             float beta, MemorySegment c, long cOffset, long cRowStride) {
        sgemm(m, n, k, alpha, a, aOffset, aRowStride, aColStride,
                b, ElementType.F32, bOffset, bRowStride, bColStride, beta, c, cOffset, cRowStride);
    }

    /** GEMM with B stored as {@code bType} (converted to F32 while packing): C = alpha * A·B + beta * C. */
    public static void sgemm(int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, long aRowStride, long aColStride,
                             MemorySegment b, ElementType bType, long bOffset, long bRowStride, long bColStride,
                             float beta, MemorySegment c, long cOffset, long cRowStride) {
        sgemmBatched(1, m, n, k, alpha, a, aOffset, 0, aRowStride, aColStride,
                b, bType, bOffset, 0, bRowStride, bColStride, beta, c, cOffset, 0, cRowStride);
    }

    /**
     * Batched GEMM: for every q &lt; batch, C_q = alpha * A_q·B_q + beta * C_q where operand X_q
     * starts at element {@code xOffset + q*xBatchStride}. A batch stride of 0 shares one A or B
     * across the batch (e.g. one weight); C's batch stride must keep the outputs disjoint.
     */
    public static void sgemmBatched(int batch, int m, int n, int k, float alpha,
                                    MemorySegment a, long aOffset, long aBatchStride, long aRowStride, long aColStride,
                                    MemorySegment b, ElementType bType, long bOffset, long bBatchStride,
                                    long bRowStride, long bColStride,
                                    float beta, MemorySegment c, long cOffset, long cBatchStride, long cRowStride) {
        OperandCheck.dimensions("sgemm", batch, m, n, k);
        OperandCheck.matrix("sgemm", "A", a, ElementType.F32, aOffset, batch, aBatchStride, m, aRowStride, k, aColStride, false);
        OperandCheck.matrix("sgemm", "B", b, bType, bOffset, batch, bBatchStride, k, bRowStride, n, bColStride, false);
        OperandCheck.matrix("sgemm", "C", c, ElementType.F32, cOffset, batch, cBatchStride, m, cRowStride, n, 1, true);
        if (batch > 1 && cBatchStride == 0 && m > 0 && n > 0) {
            throw new IllegalArgumentException("sgemm: C batch stride 0 would make " + batch + " outputs overlap");
        }
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        int threads = Parallel.threads();
        if (batch > 1 && (batch >= 2 * threads || batch % threads == 0)) {
            // Enough independent products: one per task, each single-threaded.
            Parallel.parallelFor(batch, q -> serial(problem(q, m, n, k, alpha, a, aOffset, aBatchStride, aRowStride,
                    aColStride, b, bType, bOffset, bBatchStride, bRowStride, bColStride, beta, c, cOffset,
                    cBatchStride, cRowStride)));
        } else {
            for (int q = 0; q < batch; q++) {
                parallel(problem(q, m, n, k, alpha, a, aOffset, aBatchStride, aRowStride, aColStride,
                        b, bType, bOffset, bBatchStride, bRowStride, bColStride, beta, c, cOffset,
                        cBatchStride, cRowStride), threads);
            }
        }
    }

    private static GemmProblem problem(int q, int m, int n, int k, float alpha,
                                       MemorySegment a, long aOffset, long aBatchStride, long aRowStride, long aColStride,
                                       MemorySegment b, ElementType bType, long bOffset, long bBatchStride,
                                       long bRowStride, long bColStride,
                                       float beta, MemorySegment c, long cOffset, long cBatchStride, long cRowStride) {
        return new GemmProblem(m, n, k, alpha, a, aOffset + q * aBatchStride, aRowStride, aColStride,
                b, bType, bOffset + q * bBatchStride, bRowStride, bColStride, beta, c, cOffset + q * cBatchStride,
                cRowStride);
    }

    /** One product on the calling thread only. */
    private static void serial(GemmProblem g) {
        if (g.k() == 0) {
            GemmDriver.scale(g);
        } else if (isGemv(g)) {
            Gemv.rowsSerial(g);
        } else if ((long) g.m() * g.n() * g.k() < DIRECT_THRESHOLD) {
            GemmDriver.direct(g);
        } else {
            GemmDriver.packedRegion(g, 0, g.m(), 0, g.n());
        }
    }

    /** One product split over up to {@code threads} threads by column or row ranges of C. */
    private static void parallel(GemmProblem g, int threads) {
        if (g.k() == 0 || (long) g.m() * g.n() * g.k() < DIRECT_THRESHOLD || threads == 1) {
            serial(g);
            return;
        }
        if (isGemv(g)) {
            Gemv.rowsParallel(g);
            return;
        }
        int nPanels = (g.n() + NR - 1) / NR;
        int mPanels = (g.m() + MR - 1) / MR;
        // Split N when it has enough panels: each thread packs a disjoint part of B (no duplicated
        // B packing). Split M otherwise (each thread then packs all of B).
        if (nPanels >= 2 * threads || nPanels >= mPanels) {
            int chunks = Math.min(threads, nPanels);
            Parallel.parallelFor(chunks, t -> GemmDriver.packedRegion(g, 0, g.m(),
                    split(nPanels, chunks, t) * NR, Math.min(g.n(), split(nPanels, chunks, t + 1) * NR)));
        } else {
            int chunks = Math.min(threads, mPanels);
            Parallel.parallelFor(chunks, t -> GemmDriver.packedRegion(g,
                    split(mPanels, chunks, t) * MR, Math.min(g.m(), split(mPanels, chunks, t + 1) * MR), 0, g.n()));
        }
    }

    /** First panel of chunk t when {@code panels} are shared by {@code chunks} near-equally. */
    private static int split(int panels, int chunks, int t) {
        return (int) ((long) panels * t / chunks);
    }

    /** A single row of A against a B whose columns are contiguous (B = Wᵀ, W row-major): a GEMV. */
    private static boolean isGemv(GemmProblem g) {
        return g.m() == 1 && g.bRowStride() == 1;
    }
}
