package dev.llava4j.tensor.safetensors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HugePageAdviceTest {

    @TempDir
    Path dir;

    /** Linux built with transparent huge pages (else madvise(MADV_HUGEPAGE) fails with EINVAL). */
    private static boolean linuxWithHugePages() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && Files.exists(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
    }

    @Test
    void theKernelMarksTheAdvisedMappingForHugePages() throws IOException {
        assumeTrue(linuxWithHugePages(), "madvise(MADV_HUGEPAGE) needs Linux with transparent huge pages");
        assertTrue(HugePageAdvice.available(), "the tests run with native access enabled");
        Path file = dir.resolve("weights.bin");
        Files.write(file, new byte[8 << 20]);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            assertFalse(vmFlags(mapping).contains(" hg"), "not advised yet: " + vmFlags(mapping));
            assertTrue(HugePageAdvice.advise(mapping));
            // "hg" in the mapping's VmFlags is VM_HUGEPAGE, the flag madvise(MADV_HUGEPAGE) sets
            assertTrue(vmFlags(mapping).contains(" hg"), vmFlags(mapping));
        }
    }

    @Test
    void safetensorsFilesAreMappedWithTheAdvice() throws IOException {
        assumeTrue(linuxWithHugePages(), "madvise(MADV_HUGEPAGE) needs Linux with transparent huge pages");
        Path file = dir.resolve("one.safetensors");
        MemorySegment data = Arena.ofAuto().allocate(1 << 20);
        SafetensorsWriter.write(file, java.util.Map.of(), List.of(
                new WriteEntry("w", dev.llava4j.tensor.DType.F32, new long[] {1 << 18}, data)));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            MemorySegment tensor = f.data("w");
            assertTrue(vmFlagsAround(tensor.address()).contains(" hg"), vmFlagsAround(tensor.address()));
        }
    }

    @Test
    void heapAndEmptySegmentsAreLeftAlone() {
        assertFalse(HugePageAdvice.advise(MemorySegment.ofArray(new byte[4096])));
        assertFalse(HugePageAdvice.advise(Arena.ofAuto().allocate(4096).asSlice(0, 0)));
    }

    private static String vmFlags(MemorySegment mapping) throws IOException {
        return vmFlagsAround(mapping.address());
    }

    /** The VmFlags line of the /proc/self/smaps entry whose address range holds {@code address}. */
    private static String vmFlagsAround(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= start && address < end;
            } else if (inside && line.startsWith("VmFlags:")) {
                return line;
            }
        }
        throw new AssertionError("no mapping holds address 0x" + Long.toHexString(address));
    }
}
