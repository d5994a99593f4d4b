package dev.llava4j.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelCacheTest {

    @Test
    void keyChangesWithEverythingThatChangesTheBinary() {
        String base = KernelCache.key("sm_90", "13.0", List.of("-DX"), "src", "hdr");
        assertEquals(64, base.length());
        assertEquals(base, KernelCache.key("sm_90", "13.0", List.of("-DX"), "src", "hdr"));
        assertNotEquals(base, KernelCache.key("sm_80", "13.0", List.of("-DX"), "src", "hdr"), "architecture");
        assertNotEquals(base, KernelCache.key("sm_90", "12.8", List.of("-DX"), "src", "hdr"), "NVRTC version");
        assertNotEquals(base, KernelCache.key("sm_90", "13.0", List.of("-DY"), "src", "hdr"), "options");
        assertNotEquals(base, KernelCache.key("sm_90", "13.0", List.of("-DX"), "src2", "hdr"), "source");
        assertNotEquals(base, KernelCache.key("sm_90", "13.0", List.of("-DX"), "srch", "dr"), "source boundaries");
    }

    @Test
    void writeThenReadRoundTripsAtomically(@TempDir Path dir) throws Exception {
        KernelCache cache = new KernelCache(dir.resolve("nested"));
        String key = KernelCache.key("sm_90", "13.0", List.of(), "a");
        assertTrue(cache.read("elementwise", "sm_90", key, true).isEmpty());
        byte[] bin = {1, 2, 3, 0, 42};
        assertTrue(cache.write("elementwise", "sm_90", key, true, bin));
        assertArrayEquals(bin, cache.read("elementwise", "sm_90", key, true).orElseThrow());
        assertTrue(cache.read("elementwise", "sm_90", key, false).isEmpty(), "PTX and CUBIN are separate entries");
        try (var files = Files.list(dir.resolve("nested"))) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), "no temporary files left: " + all);
            assertTrue(all.getFirst().getFileName().toString().startsWith("elementwise-sm_90-"));
        }
    }

    @Test
    void unwritableCacheIsNotAnError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        KernelCache cache = new KernelCache(file);
        assertFalse(cache.write("m", "sm_80", KernelCache.key("sm_80", "1", List.of(), "s"), true, new byte[]{1}));
    }

    @Test
    void defaultDirectoryHonoursTheProperty() {
        String old = System.getProperty(KernelCache.DIRECTORY_PROPERTY);
        try {
            System.setProperty(KernelCache.DIRECTORY_PROPERTY, "/tmp/llava4j-kernels");
            assertEquals(Path.of("/tmp/llava4j-kernels"), KernelCache.defaultDirectory());
            System.clearProperty(KernelCache.DIRECTORY_PROPERTY);
            assertTrue(KernelCache.defaultDirectory().endsWith(Path.of("llava4j", "cuda")));
        } finally {
            if (old != null) {
                System.setProperty(KernelCache.DIRECTORY_PROPERTY, old);
            }
        }
    }
}
