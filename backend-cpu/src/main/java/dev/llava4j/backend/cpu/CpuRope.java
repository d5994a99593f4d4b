package dev.llava4j.backend.cpu;

import dev.llava4j.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.llava4j.backend.cpu.Rows.F;

/** Rotary embedding (rotate-half) on F32 views with unit stride along the head dimension. */
final class CpuRope {
    private CpuRope() {
    }

    static boolean supported(Tensor x, Tensor cos, Tensor sin) {
        return CpuElementwise.allF32(x, cos, sin) && x.stride(3) == 1 && cos.stride(3) == 1 && sin.stride(3) == 1
                && x.size(3) % 2 == 0;
    }

    static void apply(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean backward) {
        int[] shape = x.shape();
        int d = shape[3];
        int half = d / 2;
        MemorySegment xs = x.segment();
        MemorySegment cs = cos.segment();
        MemorySegment ss = sin.segment();
        MemorySegment os = out.segment();
        int rows = shape[0] * shape[1] * shape[2];
        Parallel.parallelRange(rows, 256, (from, to) -> {
            for (int r = from; r < to; r++) {
                int t = r % shape[2];
                int h = (r / shape[2]) % shape[1];
                int b = r / (shape[2] * shape[1]);
                long xo = off(x, b, h, t);
                long co = off(cos, b, h, t);
                long so = off(sin, b, h, t);
                long oo = off(out, b, h, t);
                for (int j = 0; j < half; j++) {
                    float x1 = xs.getAtIndex(F, xo + j);
                    float x2 = xs.getAtIndex(F, xo + j + half);
                    float c1 = cs.getAtIndex(F, co + j);
                    float c2 = cs.getAtIndex(F, co + j + half);
                    float s1 = ss.getAtIndex(F, so + j);
                    float s2 = ss.getAtIndex(F, so + j + half);
                    if (!backward) {
                        os.setAtIndex(F, oo + j, x1 * c1 - x2 * s1);
                        os.setAtIndex(F, oo + j + half, x2 * c2 + x1 * s2);
                    } else {
                        os.setAtIndex(F, oo + j, x1 * c1 + x2 * s2);
                        os.setAtIndex(F, oo + j + half, x2 * c2 - x1 * s1);
                    }
                }
            }
        });
    }

    private static long off(Tensor t, int a, int b, int c) {
        int[] s = t.strides();
        return t.offset() + (long) a * s[0] + (long) b * s[1] + (long) c * s[2];
    }
}
