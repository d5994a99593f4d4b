package dev.llava4j.backend.cpu.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.llava4j.backend.cpu.Parallel;

/** Gemv against a double-accumulated reference; tolerance 1e-5 * sqrt(K) * sum |W_jp x_p|. */
class GemvTest {

    private static final int DEFAULT_THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    static Stream<Arguments> typesAndThreads() {
        return Stream.of(ElementType.values()).flatMap(t -> Stream.of(Arguments.of(t, 1), Arguments.of(t, 2)));
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("typesAndThreads")
    void matchesReference(ElementType type, int threads) {
        Parallel.setThreads(threads);
        int[] ns = {1, 3, 4, 5, 64, 100, 257, 1031}; // 1031: many runs of rows claimed by the threads, 7 rows at the end
        int[] ks = {1, 7, 31, 32, 33, 100, 1000};
        long seed = 1;
        for (int n : ns) {
            for (int k : ks) {
                check(type, n, k, 1f, 0f, false, seed++);
                check(type, n, k, 1f, 0f, true, seed++);
            }
        }
        check(type, 300, 129, -0.5f, 0.25f, false, seed++);
        check(type, 130, 4096, 2f, 1f, true, seed);
    }

    /**
     * W as a padded row-major view, y inside a bigger buffer; x either contiguous (the row of a 1 x k matrix, as in a
     * decode step) or with a stride (column 0 of a padded k x 2 matrix).
     */
    private static void check(ElementType type, int n, int k, float alpha, float beta, boolean contiguousX, long seed) {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            TestMatrix x = contiguousX
                    ? TestMatrix.random(arena, rnd, ElementType.F32, k, 1, true, true) // one stored row: stride 1
                    : TestMatrix.random(arena, rnd, ElementType.F32, k, 2, false, true); // column 0, stride = ld
            TestMatrix w = TestMatrix.random(arena, rnd, type, n, k, false, true);
            TestMatrix y = TestMatrix.random(arena, rnd, ElementType.F32, 1, n, false, true);
            float[] before = y.snapshot();
            Gemv.gemv(n, k, alpha, x.segment(), x.offset(), x.rowStride(), w.segment(), type, w.offset(),
                    w.rowStride(), beta, y.segment(), y.offset());
            float[] after = y.snapshot();
            for (int j = 0; j < n; j++) {
                double dot = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double term = w.get(j, p) * x.get(p, 0);
                    dot += term;
                    magnitude += Math.abs(term);
                }
                int idx = (int) y.index(0, j);
                double expected = alpha * dot + beta * before[idx];
                double tol = 1e-5 * Math.sqrt(k) * (Math.abs(alpha) * magnitude + Math.abs(beta * before[idx])) + 1e-30;
                assertEquals(expected, after[idx], tol, type + " n=" + n + " k=" + k + " y[" + j + "]");
                before[idx] = after[idx];
            }
            for (int idx = 0; idx < after.length; idx++) {
                assertEquals(before[idx], after[idx], "element " + idx + " outside y changed");
            }
        }
    }

    /**
     * gemvShared over several weights gives bit for bit what separate gemv calls give (the same row loops, only the
     * runs of rows differ), leaving everything around each y alone; part sizes that are not multiples of 8 put part
     * boundaries inside the runs the threads claim.
     */
    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("typesAndThreads")
    void sharedEqualsSeparateCalls(ElementType type, int threads) {
        Parallel.setThreads(threads);
        int[][] partSizes = {{1}, {13, 64, 1031}, {7, 0, 300}, {4096, 1024, 1024}};
        int[] ks = {1, 33, 1000};
        long seed = 100;
        for (int[] ns : partSizes) {
            for (int k : ks) {
                for (boolean contiguousX : new boolean[]{true, false}) {
                    checkShared(type, ns, k, contiguousX, seed++);
                }
            }
        }
    }

    private static void checkShared(ElementType type, int[] ns, int k, boolean contiguousX, long seed) {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            TestMatrix x = contiguousX
                    ? TestMatrix.random(arena, rnd, ElementType.F32, k, 1, true, true)
                    : TestMatrix.random(arena, rnd, ElementType.F32, k, 2, false, true);
            TestMatrix[] w = new TestMatrix[ns.length];
            TestMatrix[] shared = new TestMatrix[ns.length];
            TestMatrix[] separate = new TestMatrix[ns.length];
            Gemv.SharedWeight[] parts = new Gemv.SharedWeight[ns.length];
            for (int i = 0; i < ns.length; i++) {
                w[i] = TestMatrix.random(arena, rnd, type, ns[i], k, false, true);
                long ySeed = rnd.nextLong();
                shared[i] = TestMatrix.random(arena, new Random(ySeed), ElementType.F32, 1, ns[i], false, true);
                separate[i] = TestMatrix.random(arena, new Random(ySeed), ElementType.F32, 1, ns[i], false, true);
                parts[i] = new Gemv.SharedWeight(ns[i], w[i].segment(), w[i].offset(), w[i].rowStride(),
                        shared[i].segment(), shared[i].offset());
            }
            Gemv.gemvShared(k, x.segment(), x.offset(), x.rowStride(), type, parts);
            for (int i = 0; i < ns.length; i++) {
                Gemv.gemv(ns[i], k, 1f, x.segment(), x.offset(), x.rowStride(), w[i].segment(), type, w[i].offset(),
                        w[i].rowStride(), 0f, separate[i].segment(), separate[i].offset());
                assertArrayEquals(separate[i].snapshot(), shared[i].snapshot(),
                        type + " parts=" + java.util.Arrays.toString(ns) + " k=" + k + " part " + i);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void sharedNamesTheWeightThatDoesNotFit() {
        try (Arena arena = Arena.ofShared()) {
            var x = arena.allocate(8L * Float.BYTES);
            var small = arena.allocate(4L * 8 * 2);
            var big = arena.allocate(16L * 8 * 2);
            var y = arena.allocate(16L * Float.BYTES);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Gemv.gemvShared(8, x, 0, 1,
                    ElementType.BF16, new Gemv.SharedWeight(4, big, 0, 8, y, 0), new Gemv.SharedWeight(16, small, 0, 8, y, 0)));
            assertTrue(e.getMessage().contains("operand W1"), e.getMessage());
        }
    }
}
