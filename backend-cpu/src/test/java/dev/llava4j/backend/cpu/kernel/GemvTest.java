package dev.llava4j.backend.cpu.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
