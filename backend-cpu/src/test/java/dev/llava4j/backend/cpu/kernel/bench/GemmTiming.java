package dev.llava4j.backend.cpu.kernel.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import dev.llava4j.backend.cpu.Parallel;
import dev.llava4j.backend.cpu.kernel.ElementType;
import dev.llava4j.backend.cpu.kernel.Sgemm;

/**
 * Timing harness (not a test): prints GFLOP/s of C = A·Wᵀ with A [M,K] F32 and a Hugging Face
 * style weight W [N,K] (F32 or BF16) at 1 and 2 threads, plus plain A·B for the square sizes.
 * For M = 1 it also prints the weight bandwidth in GB/s.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.llava4j.backend.cpu.kernel.bench.GemmTiming [seconds-per-case]}
 */
public final class GemmTiming {

    private static final int[][] SHAPES = { // M, K, N
            {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
            {576, 1024, 4096}, {600, 4096, 11008}, {600, 11008, 4096},
            {1, 4096, 4096}, {1, 4096, 11008}};

    private GemmTiming() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        System.out.printf("%-22s %-5s %-6s %7s %10s %10s %9s%n", "shape (M,K,N)", "B", "layout", "threads",
                "best GF/s", "med GF/s", "GB/s");
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : SHAPES) {
                for (ElementType type : new ElementType[] {ElementType.F32, ElementType.BF16}) {
                    boolean square = s[0] == s[1] && s[1] == s[2];
                    for (boolean transposedB : square && type == ElementType.F32
                            ? new boolean[] {true, false} : new boolean[] {true}) {
                        for (int threads : new int[] {1, 2}) {
                            run(arena, s[0], s[1], s[2], type, transposedB, threads, seconds);
                        }
                    }
                }
            }
        }
    }

    private static void run(Arena arena, int m, int k, int n, ElementType type, boolean transposedB, int threads,
                            double seconds) {
        Parallel.setThreads(threads);
        MemorySegment a = random(arena, (long) m * k, ElementType.F32);
        MemorySegment w = random(arena, (long) n * k, type);
        MemorySegment c = arena.allocate((long) m * n * Float.BYTES, 64);
        long bRowStride = transposedB ? 1 : n;   // W [N,K] read as Wᵀ, or B [K,N] row-major
        long bColStride = transposedB ? k : 1;
        Runnable op = () -> Sgemm.sgemm(m, n, k, 1f, a, 0, k, 1, w, type, 0, bRowStride, bColStride, 0f, c, 0, n);
        // Warm up for at least 1.5 s so that C2 has compiled every kernel involved (slower on a busy machine).
        long warmUntil = System.nanoTime() + 1_500_000_000L;
        for (int i = 0; i < 3 || System.nanoTime() < warmUntil; i++) {
            op.run();
        }
        double flops = 2.0 * m * n * k;
        int reps = (int) Math.max(3, Math.min(2000, seconds / Math.max(1e-6, time(op)))) ;
        double[] times = new double[reps];
        for (int i = 0; i < reps; i++) {
            times[i] = time(op);
        }
        Arrays.sort(times);
        double weightBytes = (double) n * k * type.byteSize();
        System.out.printf("%-22s %-5s %-6s %7d %10.1f %10.1f %9s%n", "(" + m + "," + k + "," + n + ")", type,
                transposedB ? "A·Wᵀ" : "A·B", threads, flops / times[0] / 1e9, flops / times[reps / 2] / 1e9,
                m == 1 ? String.format("%.1f", weightBytes / times[reps / 2] / 1e9) : "");
    }

    private static double time(Runnable op) {
        long t0 = System.nanoTime();
        op.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static MemorySegment random(Arena arena, long count, ElementType type) {
        MemorySegment seg = arena.allocate(count * type.byteSize(), 64);
        Random rnd = new Random(count);
        for (long i = 0; i < count; i++) {
            float v = rnd.nextFloat() * 2f - 1f;
            if (type == ElementType.F32) {
                seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
            } else {
                seg.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (Float.floatToRawIntBits(v) >>> 16));
            }
        }
        return seg;
    }
}
