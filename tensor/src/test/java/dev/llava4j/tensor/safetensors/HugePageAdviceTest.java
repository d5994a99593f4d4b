package dev.llava4j.tensor.safetensors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static dev.llava4j.tensor.testing.ProcMaps.linuxWithHugePages;
import static dev.llava4j.tensor.testing.ProcMaps.vmFlagsAround;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HugePageAdviceTest {

    @TempDir
    Path dir;

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
}
