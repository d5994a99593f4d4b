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
 * int accumulators, split over the {@link Parallel} threads like {@link Gemv} ({@link Parallel#guidedRange}), so no
 * thread waits long for another at the end. A kernel that streams the same bytes in the same time runs at the
 * machine's read bandwidth.
 *
 * <p>How the loop is written decides how fast it reads, so the yardstick uses the fastest form found: chunks of 8 KB,
 * each summed by a loop whose index counts ints up to a constant, with long byte offsets. C2 unrolls that loop four
 * times (eight vector loads per iteration); a loop over the same bytes with an int byte offset, or over 1 MB slices,
 * stays at one or two loads per iteration, and read slower whenever the memory was fast. Zen 5 VM, 2 threads, 1 GB
 * of a mapped checkpoint, variants rotated, medians of 10 passes in two runs: 63-66 GB/s, against 49-55 for the
 * previous loop over 1 MB slices and 49-51 for 8 KB chunks read with int offsets; checksums equal. While the memory
 * was slow (about 45 GB/s), the forms read alike.
 */
public final class StreamRead {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int VECTOR = I.vectorByteSize();
    /** The blocks whose bytes the checksum covers. */
    private static final int UNROLLED = 4 * VECTOR;
    /** Bytes per claimed chunk (a whole number of blocks). */
    private static final int CHUNK = 8192;
    private static final int CHUNK_INTS = CHUNK / Integer.BYTES;
    /** Ints summed per step of the chunk loop (two vectors; C2 unrolls the loop further). */
    private static final int STEP_INTS = 2 * I.length();
    /** Fewest chunks per thread (64 KB): fewer are not worth a worker. */
    private static final int THREAD_GRAIN = 8;
    /** Fewest chunks a thread claims at once (128 KB, like Gemv's 16 rows of a 4096-wide BF16 matrix). */
    private static final int MIN_CLAIM = 16;

    private StreamRead() {
    }

    /**
     * Reads the bytes of {@code data} up to the last whole block of four vectors; returns their checksum (the wrapping
     * sum of their little-endian int lanes), so that the reads cannot be optimised away.
     */
    public static int read(MemorySegment data) {
        long blockBytes = data.byteSize() / UNROLLED * UNROLLED;
        int chunks = Math.toIntExact(blockBytes / CHUNK);
        AtomicInteger checksum = new AtomicInteger();
        Parallel.guidedRange(chunks, THREAD_GRAIN, MIN_CLAIM, 1, (from, to) -> {
            int sum = 0;
            for (int c = from; c < to; c++) {
                sum += sumChunk(data, c * (long) CHUNK);
            }
            checksum.getAndAdd(sum);
        });
        long rest = (long) chunks * CHUNK;
        return checksum.get() + sumBlocks(data.asSlice(rest, blockBytes - rest));
    }

    /** Sum of the CHUNK bytes at {@code start}; see the class comment for why the loop has this form. */
    private static int sumChunk(MemorySegment data, long start) {
        MemorySegment chunk = data.asSlice(start, CHUNK);
        IntVector a = IntVector.zero(I), b = IntVector.zero(I);
        for (int p = 0; p < CHUNK_INTS; p += STEP_INTS) {
            long at = (long) p * Integer.BYTES;
            a = a.add(IntVector.fromMemorySegment(I, chunk, at, ByteOrder.LITTLE_ENDIAN));
            b = b.add(IntVector.fromMemorySegment(I, chunk, at + VECTOR, ByteOrder.LITTLE_ENDIAN));
        }
        return a.add(b).reduceLanes(VectorOperators.ADD);
    }

    /** Sum of a slice of whole blocks shorter than a chunk (the end of a segment). */
    private static int sumBlocks(MemorySegment slice) {
        int bytes = (int) slice.byteSize();
        IntVector a = IntVector.zero(I), b = IntVector.zero(I), c = IntVector.zero(I), d = IntVector.zero(I);
        for (int at = 0; at < bytes; at += UNROLLED) {
            a = a.add(IntVector.fromMemorySegment(I, slice, at, ByteOrder.LITTLE_ENDIAN));
            b = b.add(IntVector.fromMemorySegment(I, slice, at + VECTOR, ByteOrder.LITTLE_ENDIAN));
            c = c.add(IntVector.fromMemorySegment(I, slice, at + 2 * VECTOR, ByteOrder.LITTLE_ENDIAN));
            d = d.add(IntVector.fromMemorySegment(I, slice, at + 3 * VECTOR, ByteOrder.LITTLE_ENDIAN));
        }
        return a.add(b).add(c.add(d)).reduceLanes(VectorOperators.ADD);
    }
}
