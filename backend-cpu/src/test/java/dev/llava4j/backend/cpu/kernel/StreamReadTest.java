package dev.llava4j.backend.cpu.kernel;

import dev.llava4j.backend.cpu.Parallel;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bandwidth yardstick reads every whole block exactly once, on one thread or several. */
class StreamReadTest {

    private static final int DEFAULT_THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3})
    void checksumIsTheSumOfEveryIntOfTheWholeBlocks(int threads) {
        Parallel.setThreads(threads);
        long block = 4L * IntVector.SPECIES_PREFERRED.vectorByteSize();
        // 0 bytes, less than a block, 8 KB chunks followed by whole blocks, and 3 MB + a block + a partial block: many
        // chunks claimed by the threads, then the blocks after the last whole chunk, then bytes no block covers
        long[] sizes = {0, block - 4, 64 * 1024 + 3 * block, 3 * 1024 * 1024 + block + 20};
        Random random = new Random(threads);
        try (Arena arena = Arena.ofShared()) { // shared: the pool threads read it
            for (long size : sizes) {
                MemorySegment data = arena.allocate(Math.max(size, 1), 64);
                int expected = 0;
                for (long at = 0; at + 4 <= size; at += 4) {
                    int v = random.nextInt();
                    data.set(ValueLayout.JAVA_INT_UNALIGNED, at, v);
                    if (at < size / block * block) {
                        expected += v;
                    }
                }
                assertEquals(expected, StreamRead.read(data.asSlice(0, size)), "checksum of " + size + " bytes");
            }
        }
    }
}
