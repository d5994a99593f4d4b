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
 * threads like {@link Gemv}. A kernel that streams the same bytes in the same time runs at the machine's read
 * bandwidth.
 */
public final class StreamRead {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final long VECTOR = I.vectorByteSize();
    private static final long UNROLLED = 4 * VECTOR;
    /** Chunks per thread: a thread that falls behind (a busy vCPU) hands work to the others. */
    private static final int CHUNKS_PER_THREAD = 8;

    private StreamRead() {
    }

    /** Reads bytes [0, byteSize) of {@code data}; returns a checksum so that the reads cannot be optimised away. */
    public static int read(MemorySegment data) {
        long bytes = data.byteSize() - data.byteSize() % UNROLLED;
        int chunks = (int) Math.max(1, Math.min((long) Parallel.threads() * CHUNKS_PER_THREAD, bytes / (64 * 1024)));
        AtomicInteger checksum = new AtomicInteger();
        Parallel.parallelFor(chunks, c -> {
            long from = bytes / UNROLLED * c / chunks * UNROLLED;
            long to = bytes / UNROLLED * (c + 1) / chunks * UNROLLED;
            checksum.getAndAdd(sum(data, from, to));
        });
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
