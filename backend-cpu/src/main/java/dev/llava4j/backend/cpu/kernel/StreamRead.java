package dev.llava4j.backend.cpu.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llava4j.backend.cpu.Parallel;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory-bandwidth yardstick for memory-bound kernels: reads every byte of a segment once, as vectors summed into
 * four independent accumulators (about one vector instruction per vector read), split over the {@link Parallel}
 * threads like {@link Gemv} ({@link Parallel#guidedRange}), so no thread waits long for another at the end.
 * A kernel that streams the same bytes in the same time runs at the machine's read bandwidth.
 */
public final class StreamRead {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final long VECTOR = I.vectorByteSize();
    private static final long UNROLLED = 4 * VECTOR;
    /** Fewest blocks of UNROLLED bytes per thread (64 KB with 512-bit vectors): fewer are not worth a worker. */
    private static final int THREAD_GRAIN = 256;
    /** Fewest blocks a thread claims at once (128 KB with 512-bit vectors, like Gemv's 16 rows). */
    private static final int MIN_CLAIM = 512;

    private StreamRead() {
    }

    /**
     * Reads the bytes of {@code data} up to the last whole block of four vectors; returns their checksum (the wrapping
     * sum of their little-endian int lanes), so that the reads cannot be optimised away.
     */
    public static int read(MemorySegment data) {
        int blocks = Math.toIntExact(data.byteSize() / UNROLLED);
        AtomicInteger checksum = new AtomicInteger();
        Parallel.guidedRange(blocks, THREAD_GRAIN, MIN_CLAIM, 1,
                (from, to) -> checksum.getAndAdd(sum(data, from * UNROLLED, to * UNROLLED)));
        return checksum.get();
    }

    private static int sum(MemorySegment data, long from, long to) {
        IntVector a = IntVector.zero(I), b = IntVector.zero(I), c = IntVector.zero(I), d = IntVector.zero(I);
        for (long at = from; at < to; at += UNROLLED) {
            a = a.add(IntVector.fromMemorySegment(I, data, at, ByteOrder.LITTLE_ENDIAN));
            b = b.add(IntVector.fromMemorySegment(I, data, at + VECTOR, ByteOrder.LITTLE_ENDIAN));
            c = c.add(IntVector.fromMemorySegment(I, data, at + 2 * VECTOR, ByteOrder.LITTLE_ENDIAN));
            d = d.add(IntVector.fromMemorySegment(I, data, at + 3 * VECTOR, ByteOrder.LITTLE_ENDIAN));
        }
        return a.add(b).add(c.add(d)).reduceLanes(VectorOperators.ADD);
    }
}
