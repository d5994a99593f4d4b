package dev.llava4j.backend.cpu.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.llava4j.backend.cpu.Parallel;

/**
 * Sgemm against a double-accumulated triple loop (tolerance: see {@link TestMatrix#assertProduct},
 * 1e-5 * sqrt(K) relative to sum |A_ip B_pj|), over odd sizes, all transpositions, strided views,
 * alpha/beta, batches, BF16/F16 weights and 1 or 2 threads.
 */
class SgemmTest {

    private static final int[] ODD_SIZES = {1, 7, 31, 33, 100};
    private static final int DEFAULT_THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    static Stream<Arguments> threadsAndTranspositions() {
        List<Arguments> list = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    list.add(Arguments.of(threads, ta, tb));
                }
            }
        }
        return list.stream();
    }

    /** Runs one product on fresh random strided operands and checks every element of C. */
    private static void check(String what, int m, int n, int k, boolean transA, boolean transB, ElementType bType,
                              float alpha, float beta, long seed) {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            TestMatrix a = TestMatrix.random(arena, rnd, ElementType.F32, m, k, transA, true);
            TestMatrix b = TestMatrix.random(arena, rnd, bType, k, n, transB, true);
            TestMatrix c = TestMatrix.random(arena, rnd, ElementType.F32, m, n, false, true);
            float[] before = c.snapshot();
            Sgemm.sgemm(m, n, k, alpha, a.segment(), a.offset(), a.rowStride(), a.colStride(),
                    b.segment(), bType, b.offset(), b.rowStride(), b.colStride(),
                    beta, c.segment(), c.offset(), c.rowStride());
            c.assertProduct(what + " m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB
                    + " B=" + bType + " alpha=" + alpha + " beta=" + beta + " threads=" + Parallel.threads(),
                    alpha, a, b, beta, before, true);
        }
    }

    @ParameterizedTest(name = "threads={0} transA={1} transB={2}")
    @MethodSource("threadsAndTranspositions")
    void oddSizesAllCombinations(int threads, boolean transA, boolean transB) {
        Parallel.setThreads(threads);
        long seed = 1;
        for (int m : ODD_SIZES) {
            for (int n : ODD_SIZES) {
                for (int k : ODD_SIZES) {
                    check("odd", m, n, k, transA, transB, ElementType.F32, 1f, 0f, seed++);
                }
            }
        }
    }

    @ParameterizedTest(name = "threads={0} transA={1} transB={2}")
    @MethodSource("threadsAndTranspositions")
    void largeDimensionsCrossBlockBoundaries(int threads, boolean transA, boolean transB) {
        Parallel.setThreads(threads);
        // 1000 along each dimension; K > KC splits the K loop, M > MC the M loop, 2100 > NC the N loop.
        int[][] shapes = {{1000, 33, 7}, {7, 1000, 33}, {33, 7, 1000}, {100, 100, 1000}, {1000, 100, 31},
                {31, 1000, 100}, {13, 2100, 300}};
        long seed = 100;
        for (int[] s : shapes) {
            check("large", s[0], s[1], s[2], transA, transB, ElementType.F32, 1f, 0f, seed++);
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void alphaAndBeta(int threads) {
        Parallel.setThreads(threads);
        float[] alphas = {1f, -0.5f, 2f};
        float[] betas = {0f, 1f, 0.75f, -2f};
        long seed = 200;
        for (float alpha : alphas) {
            for (float beta : betas) {
                check("alpha/beta packed", 37, 70, 300, false, true, ElementType.F32, alpha, beta, seed++);
                check("alpha/beta direct", 5, 6, 7, true, false, ElementType.F32, alpha, beta, seed++);
                check("alpha/beta gemv", 1, 70, 300, false, true, ElementType.F32, alpha, beta, seed++);
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(7);
            int m = 40, n = 50, k = 60;
            TestMatrix a = TestMatrix.random(arena, rnd, ElementType.F32, m, k, false, false);
            TestMatrix b = TestMatrix.random(arena, rnd, ElementType.F32, k, n, false, false);
            TestMatrix c = TestMatrix.random(arena, rnd, ElementType.F32, m, n, false, false);
            c.segment().fill((byte) 0xFF); // all NaN
            Sgemm.sgemm(m, n, k, 1f, a.segment(), 0, k, 1, b.segment(), 0, n, 1, 0f, c.segment(), 0, n);
            c.assertProduct("beta=0 over NaN", 1f, a, b, 0f, c.snapshot(), false);
        }
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("halfTypesAndThreads")
    void halfPrecisionWeights(ElementType type, int threads) {
        Parallel.setThreads(threads);
        int[][] shapes = {{1, 1, 1}, {7, 31, 33}, {33, 100, 7}, {100, 33, 300}, {1, 100, 1000}, {1, 7, 33},
                {64, 1000, 100}, {3, 70, 1000}};
        long seed = 300;
        for (int[] s : shapes) {
            for (boolean transB : new boolean[] {false, true}) {
                check("half", s[0], s[1], s[2], false, transB, type, 1f, 0f, seed++);
            }
            check("half transA", s[0], s[1], s[2], true, true, type, 0.5f, 1f, seed++);
        }
    }

    static Stream<Arguments> halfTypesAndThreads() {
        return Stream.of(Arguments.of(ElementType.BF16, 1), Arguments.of(ElementType.BF16, 2),
                Arguments.of(ElementType.F16, 1), Arguments.of(ElementType.F16, 2));
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void batched(int threads) {
        Parallel.setThreads(threads);
        // batch 4 runs one product per task, batch 3 with 2 threads splits each product instead.
        for (int batch : new int[] {1, 3, 4, 8}) {
            for (boolean sharedB : new boolean[] {false, true}) {
                checkBatched(batch, 37, 45, 70, sharedB, ElementType.F32, batch * 31L + (sharedB ? 1 : 0));
                checkBatched(batch, 9, 100, 33, sharedB, ElementType.BF16, batch * 37L + (sharedB ? 1 : 0));
            }
        }
    }

    /** A_q: row-major slices of one buffer; B_q: transposed slices (or one shared B); C_q: slices. */
    private static void checkBatched(int batch, int m, int n, int k, boolean sharedB, ElementType bType, long seed) {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            TestMatrix aAll = TestMatrix.random(arena, rnd, ElementType.F32, batch * m, k, false, true);
            TestMatrix bAll = TestMatrix.random(arena, rnd, bType, sharedB ? k : batch * k, n, true, true);
            TestMatrix cAll = TestMatrix.random(arena, rnd, ElementType.F32, batch * m, n, false, true);
            float[] before = cAll.snapshot();
            long aBatch = m * aAll.rowStride();
            long bBatch = sharedB ? 0 : k * bAll.rowStride();
            long cBatch = m * cAll.rowStride();
            Sgemm.sgemmBatched(batch, m, n, k, 0.5f, aAll.segment(), aAll.offset(), aBatch, aAll.rowStride(),
                    aAll.colStride(), bAll.segment(), bType, bAll.offset(), bBatch, bAll.rowStride(), bAll.colStride(),
                    -1f, cAll.segment(), cAll.offset(), cBatch, cAll.rowStride());
            for (int q = 0; q < batch; q++) {
                TestMatrix a = new TestMatrix(aAll.segment(), aAll.type(), aAll.offset() + q * aBatch,
                        aAll.rowStride(), aAll.colStride(), m, k);
                TestMatrix b = new TestMatrix(bAll.segment(), bType, bAll.offset() + q * bBatch,
                        bAll.rowStride(), bAll.colStride(), k, n);
                TestMatrix c = new TestMatrix(cAll.segment(), cAll.type(), cAll.offset() + q * cBatch,
                        cAll.rowStride(), 1, m, n);
                c.assertProduct("batched q=" + q + "/" + batch + " sharedB=" + sharedB + " B=" + bType
                        + " threads=" + Parallel.threads(), 0.5f, a, b, -1f, before, false);
            }
            // The whole C buffer minus the batch views must be untouched: the views tile rows exactly.
            TestMatrix cRows = new TestMatrix(cAll.segment(), cAll.type(), cAll.offset(), cAll.rowStride(), 1,
                    batch * m, n);
            float[] after = cAll.snapshot();
            for (int idx = 0; idx < after.length; idx++) {
                long rel = idx - cRows.offset();
                boolean inside = rel >= 0 && rel / cRows.rowStride() < batch * m && rel % cRows.rowStride() < n;
                if (!inside) {
                    assertEquals(before[idx], after[idx], "element " + idx + " outside every C view changed");
                }
            }
        }
    }

    @Test
    void emptyKScalesC() {
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(11);
            TestMatrix a = TestMatrix.random(arena, rnd, ElementType.F32, 4, 1, false, false);
            TestMatrix b = TestMatrix.random(arena, rnd, ElementType.F32, 1, 5, false, false);
            TestMatrix c = TestMatrix.random(arena, rnd, ElementType.F32, 4, 5, false, true);
            float[] before = c.snapshot();
            Sgemm.sgemm(4, 5, 0, 1f, a.segment(), 0, 1, 1, b.segment(), 0, 5, 1, 0.5f, c.segment(), c.offset(),
                    c.rowStride());
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 5; j++) {
                    assertEquals(0.5f * before[(int) c.index(i, j)], (float) c.get(i, j), "C[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void rejectsViewsOutsideTheirSegment() {
        try (Arena arena = Arena.ofShared()) {
            var a = arena.allocate(4L * 6 * 8);
            var b = arena.allocate(2L * 8 * 10);
            var c = arena.allocate(4L * 6 * 10);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Sgemm.sgemm(6, 10, 8,
                    1f, a, 0, 8, 1, b, ElementType.BF16, 1, 10, 1, 0f, c, 0, 10));
            assertTrue(e.getMessage().contains("operand B"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Sgemm.sgemm(6, 10, 8, 1f, a, 0, 8, 1, b,
                    ElementType.BF16, 0, 10, 1, 0f, c.asReadOnly(), 0, 10));
            assertThrows(IllegalArgumentException.class, () -> Sgemm.sgemm(6, 10, -1, 1f, a, 0, 8, 1, b,
                    ElementType.BF16, 0, 10, 1, 0f, c, 0, 10));
            assertThrows(IllegalArgumentException.class, () -> Sgemm.sgemm(6, 10, 8, 1f, a, 0, -8, 1, b,
                    ElementType.BF16, 0, 10, 1, 0f, c, 0, 10));
        }
    }
}
