package dev.llava4j.tensor;

import static dev.llava4j.tensor.testing.ProcMaps.linuxWithHugePages;
import static dev.llava4j.tensor.testing.ProcMaps.virtualBytes;
import static dev.llava4j.tensor.testing.ProcMaps.vmFlagsAround;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

/** Host storages of 2 MB and more live in huge-page-advised anonymous mappings, zero-filled, unmapped when freed. */
class HugePageBlocksTest {

    @Test
    void largeStoragesStartOnAHugePageAdvisedAndZeroFilled() throws IOException {
        assumeTrue(linuxWithHugePages(), "madvise(MADV_HUGEPAGE) needs Linux with transparent huge pages");
        for (long bytes : new long[] {2L << 20, (5L << 20) + 12, (16L << 20) + 123}) { // pooled classes and unpooled
            HostStorage s = HostStorage.allocate(bytes);
            try {
                MemorySegment m = s.segment();
                assertEquals(bytes, m.byteSize());
                assertEquals(0, m.address() % HugePageBlocks.HUGE_PAGE, "2 MB aligned: 0x" + Long.toHexString(m.address()));
                assertTrue(vmFlagsAround(m.address()).contains(" hg"), vmFlagsAround(m.address()));
                for (long at = 0; at + 8 <= bytes; at += 8) {
                    if (m.get(ValueLayout.JAVA_LONG, at) != 0) {
                        throw new AssertionError("byte " + at + " of a new " + bytes + "-byte storage is not zero");
                    }
                }
                m.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 7);
                assertEquals(7, m.get(ValueLayout.JAVA_BYTE, bytes - 1));
            } finally {
                s.release();
            }
        }
    }

    @Test
    void smallStoragesStayOutOfHugePages() throws IOException {
        assumeTrue(linuxWithHugePages(), "reads /proc/self/smaps");
        HostStorage s = HostStorage.allocate(64 << 10);
        try {
            assertFalse(vmFlagsAround(s.segment().address()).contains(" hg"), vmFlagsAround(s.segment().address()));
        } finally {
            s.release();
        }
    }

    @Test
    void freedBlocksAreUnmapped() throws IOException {
        assumeTrue(linuxWithHugePages(), "reads /proc/self/status");
        long block = 64L << 20; // above the pool's largest class: closed when released
        long before = virtualBytes();
        for (int i = 0; i < 100; i++) {
            HostStorage.allocate(block).release();
        }
        long grown = virtualBytes() - before;
        // unmapped, the address space is back where it was; kept, it would have grown by 100 blocks (6.4 GB)
        assertTrue(grown < 10 * block, "address space grew by " + grown + " bytes over 100 freed 64 MB blocks");
    }
}
