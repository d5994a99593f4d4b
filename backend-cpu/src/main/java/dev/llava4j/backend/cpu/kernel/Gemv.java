package dev.llava4j.backend.cpu.kernel;

import static jdk.incubator.vector.VectorOperators.LSHL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

import dev.llava4j.backend.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector product for decoding (M = 1): y = alpha * x·Wᵀ + beta * y with W [n, k] row-major
 * (unit column stride) in F32, BF16 or F16. Memory bound: several rows (four F32, eight BF16, one F16) are
 * streamed at once against a vector of x, and runs of rows are claimed by the threads.
 *
 * <p>For the 16-bit types the W row is read as int lanes, each holding an (even, odd) pair of
 * elements, and converted with shifts and masks only ({@link HalfFloats}); each thread copies x once per call
 * into the matching order (per block of 2L elements: the L even-indexed, then the L odd-indexed).
 * As with {@link Sgemm}, segments must be accessible from the {@link Parallel} pool threads.
 */
public final class Gemv {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Elements of a 16-bit row covered by one int vector. */
    private static final int PAIR_BLOCK = 2 * L;
    /**
     * Bytes from the even half of a block of x to its odd half. Written as {@code (long) p * 4 + ODD_HALF}, the odd
     * half's offset is the even half's plus a constant; as {@code (long) (p + L) * 4} (an int sum, then widened) C2
     * emitted a slower loop. A 2-thread 22016 x 4096 BF16 GEMV from memory: 0.98-1.01 against 0.85-0.90 of a
     * hand-written kernel with the constant form (a probe copy of this class, Zen 5 VM); through the library, 0.84-0.87
     * against 0.79-0.85 of a read in two alternated runs per form.
     */
    private static final long ODD_HALF = (long) L * Float.BYTES;
    private static final int ROWS = 4;
    /** Rows of a BF16 W read together (see {@link #eightBf16Rows}). */
    private static final int BF16_ROWS = 8;
    /** Mask of the odd BF16 of each int lane (its high 16 bits, already in F32 position). */
    private static final int ODD = 0xFFFF_0000;
    /** Fewest rows per thread: below this, waking a worker costs more than it saves. */
    private static final int ROW_GRAIN = 64;
    /** Fewest rows a thread claims at once (a multiple of BF16_ROWS): 128 KB of a 4096-wide BF16 W. */
    private static final int MIN_CLAIM = 16;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Two-vector shuffles picking lanes 0, 2, 4, ... (and 1, 3, 5, ...) of the 2L lanes of (this, second vector). */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(F, n -> 2 * n);
    private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromOp(F, n -> 2 * n + 1);

    /**
     * Each thread's own copy of x: native and 64-byte aligned, because a vector load from a float[] (whose data starts
     * 16 bytes into the object) mostly straddles two cache lines; aligned, a 2-thread 11008 x 4096 BF16 GEMV read its
     * weights about 15 % faster (40-43 vs 34-37 GB/s in one probe run on the Zen 5 VM).
     */
    private static final ThreadLocal<XCopy> X_COPY = ThreadLocal.withInitial(XCopy::new);
    /** Numbers the parallel calls, so that a thread knows whether its copy of x is the current call's. */
    private static final AtomicLong CALLS = new AtomicLong();

    /** A thread's copy of x and the call it was gathered for. */
    private static final class XCopy {
        MemorySegment buffer = MemorySegment.NULL;
        long call = -1;
    }

    private Gemv() {
    }

    /**
     * y[j] = alpha * sum_p W[j][p] * x[p] + beta * y[j] for j &lt; n, where x[p] is element
     * {@code xOffset + p*xStride} of {@code x}, W[j][p] element {@code wOffset + j*wRowStride + p}
     * of {@code w} (type {@code wType}) and y[j] element {@code yOffset + j} of {@code y}.
     * Offsets and strides count elements. When beta is 0, y is only written.
     */
    public static void gemv(int n, int k, float alpha, MemorySegment x, long xOffset, long xStride,
                            MemorySegment w, ElementType wType, long wOffset, long wRowStride,
                            float beta, MemorySegment y, long yOffset) {
        OperandCheck.dimensions("gemv", n, k);
        OperandCheck.matrix("gemv", "x", x, ElementType.F32, xOffset, 1, 0, 1, 0, k, xStride, false);
        OperandCheck.matrix("gemv", "W", w, wType, wOffset, 1, 0, n, wRowStride, k, 1, false);
        OperandCheck.matrix("gemv", "y", y, ElementType.F32, yOffset, 1, 0, 1, 0, n, 1, true);
        GemmProblem g = new GemmProblem(1, n, k, alpha, x, xOffset, 0, xStride,
                w, wType, wOffset, 1, wRowStride, beta, y, yOffset, 0);
        if (n == 0) {
            return;
        }
        if (k == 0) {
            GemmDriver.scale(g);
        } else {
            rowsParallel(g);
        }
    }

    /** y = W·x for contiguous x, y and row-major W [n, k]. */
    public static void gemv(int n, int k, MemorySegment x, long xOffset,
                            MemorySegment w, ElementType wType, long wOffset, MemorySegment y, long yOffset) {
        gemv(n, k, 1f, x, xOffset, 1, w, wType, wOffset, k, 0f, y, yOffset);
    }

    /** One weight of {@link #gemvShared}: W [n, k] at element wOffset, rows wRowStride apart; y [n] at yOffset. */
    public record SharedWeight(int n, MemorySegment w, long wOffset, long wRowStride, MemorySegment y, long yOffset) {
    }

    /**
     * y_i = W_i·x for several weights of one element type that share x (a decode step's q/k/v or gate/up
     * projections), with x as in {@link #gemv}: one parallel job over the rows of all of them, so the threads start,
     * and wait for each other, once instead of once per weight.
     */
    public static void gemvShared(int k, MemorySegment x, long xOffset, long xStride, ElementType wType,
                                  SharedWeight... weights) {
        OperandCheck.dimensions("gemvShared", k);
        OperandCheck.matrix("gemvShared", "x", x, ElementType.F32, xOffset, 1, 0, 1, 0, k, xStride, false);
        GemmProblem[] parts = new GemmProblem[weights.length];
        for (int i = 0; i < weights.length; i++) {
            SharedWeight sw = weights[i];
            OperandCheck.dimensions("gemvShared", sw.n());
            OperandCheck.matrix("gemvShared", "W" + i, sw.w(), wType, sw.wOffset(), 1, 0, sw.n(), sw.wRowStride(), k, 1,
                    false);
            OperandCheck.matrix("gemvShared", "y" + i, sw.y(), ElementType.F32, sw.yOffset(), 1, 0, 1, 0, sw.n(), 1, true);
            parts[i] = new GemmProblem(1, sw.n(), k, 1f, x, xOffset, 0, xStride,
                    sw.w(), wType, sw.wOffset(), 1, sw.wRowStride(), 0f, sw.y(), sw.yOffset(), 0);
        }
        if (k == 0) {
            for (GemmProblem g : parts) {
                GemmDriver.scale(g);
            }
        } else {
            rowsParallel(parts);
        }
    }

    /**
     * 1 x k times k x n products that share A = x and whose B is Wᵀ (bRowStride 1), split over threads as one job
     * over the rows of all of them, numbered one part after another; k &gt; 0.
     *
     * <p>Threads claim runs of rows that shrink as the rows run out ({@link Parallel#guidedRange}), down to
     * {@link #MIN_CLAIM} rows and in multiples of BF16_ROWS (so also of ROWS): only the run that ends at n has rows
     * that the multi-row loops leave to the one-row loop. With fixed chunks of a sixteenth, the first thread to finish
     * waited 35-145 µs (mean of 64 calls, 3 runs) for the other in each 4096 x 4096 BF16 call of ~0.9 ms; with these
     * runs, 2-20 µs (timestamps in a probe, Zen 5 VM).
     *
     * <p>Every thread gathers x into its own buffer when it takes its first run. One buffer gathered by the caller
     * and read by all cost more: rewriting lines that the other core had read in the previous call took 36-45 µs per
     * 4096 x 4096 call (about 5 % of it), against 1.6-1.7 µs for each thread gathering into a buffer only it touches.
     */
    static void rowsParallel(GemmProblem... parts) {
        long call = CALLS.incrementAndGet();
        int[] first = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            first[i + 1] = Math.addExact(first[i], parts[i].n());
        }
        Parallel.guidedRange(first[parts.length], ROW_GRAIN, MIN_CLAIM, BF16_ROWS, (from, to) -> {
            MemorySegment xs = xFor(parts[0], call);
            for (int i = 0; i < parts.length; i++) {
                int lo = Math.max(from, first[i]);
                int hi = Math.min(to, first[i + 1]);
                if (lo < hi) {
                    rows(parts[i], xs, lo - first[i], hi - first[i]);
                }
            }
        });
    }

    /** This thread's copy of x for parallel call {@code call}, gathered on first use. */
    private static MemorySegment xFor(GemmProblem g, long call) {
        XCopy copy = X_COPY.get();
        if (copy.call != call) {
            copy.buffer = gatherX(g);
            copy.call = call;
        }
        return copy.buffer;
    }

    /** As {@link #rowsParallel} on the calling thread only. */
    static void rowsSerial(GemmProblem g) {
        X_COPY.get().call = -1; // the buffer is rewritten here: a later parallel call must gather again
        rows(g, gatherX(g), 0, g.n());
    }

    /** Copies x into this thread's buffer, in even/odd block order for 16-bit weights. */
    private static MemorySegment gatherX(GemmProblem g) {
        int k = g.k();
        XCopy copy = X_COPY.get();
        long bytes = (long) k * Float.BYTES;
        if (copy.buffer.byteSize() < bytes) {
            copy.buffer = Arena.ofAuto().allocate(Math.max(bytes, 2 * copy.buffer.byteSize()), 64);
        }
        MemorySegment xs = copy.buffer;
        MemorySegment x = g.a();
        long base = g.aOffset();
        long stride = g.aColStride();
        int p = 0;
        if (stride == 1) {
            // contiguous x (every decode step): vector copies. A GEMV of 8 rows on one thread took 4.3 -> 2.8 µs per
            // call at k = 4096 and 11.4 -> 2.2 µs at k = 11008 (each thread gathers before its first rows)
            if (g.bType() != ElementType.F32) {
                for (; p + PAIR_BLOCK <= k; p += PAIR_BLOCK) {
                    FloatVector lo = FloatVector.fromMemorySegment(F, x, (base + p) * Float.BYTES, LE);
                    FloatVector hi = FloatVector.fromMemorySegment(F, x, (base + p + L) * Float.BYTES, LE);
                    lo.rearrange(EVEN_LANES, hi).intoMemorySegment(xs, (long) p * Float.BYTES, LE);
                    lo.rearrange(ODD_LANES, hi).intoMemorySegment(xs, (long) p * Float.BYTES + ODD_HALF, LE);
                }
            }
            MemorySegment.copy(x, (base + p) * Float.BYTES, xs, (long) p * Float.BYTES, (long) (k - p) * Float.BYTES);
            return xs;
        }
        if (g.bType() != ElementType.F32) {
            for (; p + PAIR_BLOCK <= k; p += PAIR_BLOCK) {
                for (int t = 0; t < L; t++) {
                    xs.setAtIndex(FLOAT, p + t, x.getAtIndex(FLOAT, base + (p + 2 * t) * stride));
                    xs.setAtIndex(FLOAT, p + L + t, x.getAtIndex(FLOAT, base + (p + 2 * t + 1) * stride));
                }
            }
        }
        for (; p < k; p++) {
            xs.setAtIndex(FLOAT, p, x.getAtIndex(FLOAT, base + p * stride));
        }
        return xs;
    }

    private static void rows(GemmProblem g, MemorySegment xs, int from, int to) {
        switch (g.bType()) {
            case F32 -> rowsF32(g, xs, from, to);
            case BF16 -> rowsBf16(g, xs, from, to);
            case F16 -> rowsF16(g, xs, from, to);
        }
    }

    private static void rowsF32(GemmProblem g, MemorySegment xs, int from, int to) {
        MemorySegment w = g.b();
        int k = g.k();
        int kVec = F.loopBound(k);
        long rowBytes = g.bColStride() * Float.BYTES;
        int j = from;
        long vecBytes = (long) kVec * Float.BYTES;
        MemorySegment x = xs.asSlice(0, vecBytes);
        for (; j + ROWS <= to; j += ROWS) {
            long r0 = (g.bOffset() + j * g.bColStride()) * Float.BYTES;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            long r3 = r2 + rowBytes;
            // one slice per row, as in eightBf16Rows: the same bounds check for every load
            MemorySegment w0 = w.asSlice(r0, vecBytes);
            MemorySegment w1 = w.asSlice(r1, vecBytes);
            MemorySegment w2 = w.asSlice(r2, vecBytes);
            MemorySegment w3 = w.asSlice(r3, vecBytes);
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
            FloatVector s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int p = 0; p < kVec; p += L) {
                long off = (long) p * Float.BYTES;
                FloatVector xv = FloatVector.fromMemorySegment(F, x, off, LE);
                s0 = FloatVector.fromMemorySegment(F, w0, off, LE).fma(xv, s0);
                s1 = FloatVector.fromMemorySegment(F, w1, off, LE).fma(xv, s1);
                s2 = FloatVector.fromMemorySegment(F, w2, off, LE).fma(xv, s2);
                s3 = FloatVector.fromMemorySegment(F, w3, off, LE).fma(xv, s3);
            }
            float d0 = Lanes.sum(s0), d1 = Lanes.sum(s1);
            float d2 = Lanes.sum(s2), d3 = Lanes.sum(s3);
            for (int p = kVec; p < k; p++) {
                float xp = xs.getAtIndex(FLOAT, p);
                d0 += w.get(FLOAT, r0 + (long) p * Float.BYTES) * xp;
                d1 += w.get(FLOAT, r1 + (long) p * Float.BYTES) * xp;
                d2 += w.get(FLOAT, r2 + (long) p * Float.BYTES) * xp;
                d3 += w.get(FLOAT, r3 + (long) p * Float.BYTES) * xp;
            }
            store(g, j, d0, d1, d2, d3);
        }
        for (; j < to; j++) {
            long r0 = (g.bOffset() + j * g.bColStride()) * Float.BYTES;
            FloatVector s0 = FloatVector.zero(F);
            for (int p = 0; p < kVec; p += L) {
                long off = (long) p * Float.BYTES;
                FloatVector xv = FloatVector.fromMemorySegment(F, xs, off, LE);
                s0 = FloatVector.fromMemorySegment(F, w, r0 + off, LE).fma(xv, s0);
            }
            float d0 = Lanes.sum(s0);
            for (int p = kVec; p < k; p++) {
                d0 += w.get(FLOAT, r0 + (long) p * Float.BYTES) * xs.getAtIndex(FLOAT, p);
            }
            store(g, j, d0);
        }
    }

    // The BF16 and F16 loops are deliberately separate small methods: one method holding both
    // overflowed C2's inlining budget, leaving the conversions as real calls on boxed vectors (~10x slower).

    /** BF16 rows [from, to); x is in even/odd block order up to the last full block. */
    private static void rowsBf16(GemmProblem g, MemorySegment xs, int from, int to) {
        MemorySegment w = g.b();
        int kVec = g.k() - g.k() % PAIR_BLOCK;
        long rowBytes = g.bColStride() * 2;
        float[] sums = new float[BF16_ROWS * L];
        int j = from;
        for (; j + BF16_ROWS <= to; j += BF16_ROWS) {
            long r0 = (g.bOffset() + j * g.bColStride()) * 2;
            eightBf16Rows(w, r0, rowBytes, xs, kVec, sums);
            for (int r = 0; r < BF16_ROWS; r++) {
                long row = r0 + r * rowBytes;
                float tail = halfTail(w, row, xs, kVec, g.k(), true);
                store(g, j + r, Lanes.sum(FloatVector.fromArray(F, sums, r * L)) + tail);
            }
        }
        for (; j < to; j++) {
            long r0 = (g.bOffset() + j * g.bColStride()) * 2;
            FloatVector s0 = FloatVector.zero(F);
            for (int p = 0; p < kVec; p += PAIR_BLOCK) {
                IntVector v0 = IntVector.fromMemorySegment(I, w, r0 + (long) p * 2, LE);
                FloatVector xe = FloatVector.fromMemorySegment(F, xs, (long) p * Float.BYTES, LE);
                FloatVector xo = FloatVector.fromMemorySegment(F, xs, (long) p * Float.BYTES + ODD_HALF, LE);
                s0 = HalfFloats.bf16Odd(v0).fma(xo, HalfFloats.bf16Even(v0).fma(xe, s0));
            }
            store(g, j, Lanes.sum(s0) + halfTail(w, r0, xs, kVec, g.k(), true));
        }
    }

    /**
     * The vector accumulators of eight BF16 rows (byte offsets r0, r0 + rowBytes, ...) against x over [0, kVec), into
     * sums[r*L, (r+1)*L) for row r. Eight rows share each x load: one core streamed 11008 x 4096 weights from memory
     * at 26-27 GB/s, against 23 GB/s with four rows, and eight rows through {@link HalfFloats} ran at 6.7 GB/s. The
     * conversions are spelled out here (the same two operations as {@link HalfFloats#bf16Even} and
     * {@link HalfFloats#bf16Odd}) because that many calls reach C2's inlining node budget (NodeCountInliningCutoff)
     * half way, and every vector passed to a call that is not inlined is boxed.
     *
     * <p>Each row is read through its own slice of the same length, so that all eight loads have the same bounds
     * check at offset 2p. Streaming 1.4 GB of weights on the Zen 5 VM, this took a 2-thread GEMV from 0.73-0.80 to
     * 0.81-0.89 of a plain read of the same bytes (medians of 10 sweeps, four runs each, alternated).
     */
    private static void eightBf16Rows(MemorySegment w, long r0, long rowBytes, MemorySegment xs, int kVec,
                                      float[] sums) {
        long bytes = (long) kVec * 2;
        MemorySegment w0 = w.asSlice(r0, bytes);
        MemorySegment w1 = w.asSlice(r0 + rowBytes, bytes);
        MemorySegment w2 = w.asSlice(r0 + 2 * rowBytes, bytes);
        MemorySegment w3 = w.asSlice(r0 + 3 * rowBytes, bytes);
        MemorySegment w4 = w.asSlice(r0 + 4 * rowBytes, bytes);
        MemorySegment w5 = w.asSlice(r0 + 5 * rowBytes, bytes);
        MemorySegment w6 = w.asSlice(r0 + 6 * rowBytes, bytes);
        MemorySegment w7 = w.asSlice(r0 + 7 * rowBytes, bytes);
        MemorySegment x = xs.asSlice(0, (long) kVec * Float.BYTES);
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F), s4 = FloatVector.zero(F), s5 = FloatVector.zero(F);
        FloatVector s6 = FloatVector.zero(F), s7 = FloatVector.zero(F);
        for (int p = 0; p < kVec; p += PAIR_BLOCK) {
            FloatVector xe = FloatVector.fromMemorySegment(F, x, (long) p * Float.BYTES, LE);
            FloatVector xo = FloatVector.fromMemorySegment(F, x, (long) p * Float.BYTES + ODD_HALF, LE);
            long off = (long) p * 2;
            IntVector v0 = IntVector.fromMemorySegment(I, w0, off, LE);
            IntVector v1 = IntVector.fromMemorySegment(I, w1, off, LE);
            IntVector v2 = IntVector.fromMemorySegment(I, w2, off, LE);
            IntVector v3 = IntVector.fromMemorySegment(I, w3, off, LE);
            IntVector v4 = IntVector.fromMemorySegment(I, w4, off, LE);
            IntVector v5 = IntVector.fromMemorySegment(I, w5, off, LE);
            IntVector v6 = IntVector.fromMemorySegment(I, w6, off, LE);
            IntVector v7 = IntVector.fromMemorySegment(I, w7, off, LE);
            s0 = v0.and(ODD).reinterpretAsFloats().fma(xo, v0.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, s0));
            s1 = v1.and(ODD).reinterpretAsFloats().fma(xo, v1.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, s1));
            s2 = v2.and(ODD).reinterpretAsFloats().fma(xo, v2.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, s2));
            s3 = v3.and(ODD).reinterpretAsFloats().fma(xo, v3.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, s3));
            s4 = v4.and(ODD).reinterpretAsFloats().fma(xo, v4.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, s4));
            s5 = v5.and(ODD).reinterpretAsFloats().fma(xo, v5.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, s5));
            s6 = v6.and(ODD).reinterpretAsFloats().fma(xo, v6.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, s6));
            s7 = v7.and(ODD).reinterpretAsFloats().fma(xo, v7.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, s7));
        }
        s0.intoArray(sums, 0);
        s1.intoArray(sums, L);
        s2.intoArray(sums, 2 * L);
        s3.intoArray(sums, 3 * L);
        s4.intoArray(sums, 4 * L);
        s5.intoArray(sums, 5 * L);
        s6.intoArray(sums, 6 * L);
        s7.intoArray(sums, 7 * L);
    }

    /** F16 rows [from, to), one at a time: the conversion is too big for C2 to inline four rows of it. */
    private static void rowsF16(GemmProblem g, MemorySegment xs, int from, int to) {
        int kVec = g.k() - g.k() % PAIR_BLOCK;
        for (int j = from; j < to; j++) {
            long r0 = (g.bOffset() + j * g.bColStride()) * 2;
            store(g, j, dotF16(g.b(), r0, xs, kVec) + halfTail(g.b(), r0, xs, kVec, g.k(), false));
        }
    }

    /** Dot product of x with the F16 row at byte rowByte over [0, kVec), even and odd lanes in two chains. */
    private static float dotF16(MemorySegment w, long rowByte, MemorySegment xs, int kVec) {
        FloatVector even = FloatVector.zero(F);
        FloatVector odd = FloatVector.zero(F);
        for (int p = 0; p < kVec; p += PAIR_BLOCK) {
            IntVector v = IntVector.fromMemorySegment(I, w, rowByte + (long) p * 2, LE);
            even = HalfFloats.f16Even(v).fma(FloatVector.fromMemorySegment(F, xs, (long) p * Float.BYTES, LE), even);
            odd = HalfFloats.f16Odd(v).fma(FloatVector.fromMemorySegment(F, xs, (long) p * Float.BYTES + ODD_HALF, LE), odd);
        }
        return Lanes.sum(even.add(odd));
    }

    /** Scalar part of a 16-bit row dot product over elements [from, k); x is in natural order there. */
    private static float halfTail(MemorySegment w, long rowByte, MemorySegment xs, int from, int k, boolean bf16) {
        float sum = 0f;
        for (int p = from; p < k; p++) {
            short bits = w.get(SHORT, rowByte + (long) p * 2);
            sum += (bf16 ? HalfFloats.bf16ToFloat(bits) : HalfFloats.f16ToFloat(bits)) * xs.getAtIndex(FLOAT, p);
        }
        return sum;
    }

    private static void store(GemmProblem g, int j, float d0, float d1, float d2, float d3) {
        store(g, j, d0);
        store(g, j + 1, d1);
        store(g, j + 2, d2);
        store(g, j + 3, d3);
    }

    private static void store(GemmProblem g, int j, float dot) {
        long index = g.cOffset() + j;
        float value = g.alpha() * dot;
        if (g.beta() != 0f) {
            value += g.beta() * g.c().getAtIndex(FLOAT, index);
        }
        g.c().setAtIndex(FLOAT, index, value);
    }
}
