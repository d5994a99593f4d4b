package dev.llava4j.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaLibrariesTest {
    private static final String PROP = "llava4j.test.library";

    @Test
    void configuredFileWins(@TempDir Path dir) throws Exception {
        Path lib = Files.writeString(dir.resolve("libfake.so.1"), "");
        System.setProperty(PROP, lib.toString());
        try {
            assertEquals(lib, CudaLibraries.find(PROP, List.of("libnothing.so")).path());
        } finally {
            System.clearProperty(PROP);
        }
    }

    @Test
    void configuredMissingFileIsAnErrorNamingTheProperty() {
        System.setProperty(PROP, "/no/such/libcublas.so.13");
        try {
            CudaException e = assertThrows(CudaException.class, () -> CudaLibraries.find(PROP, List.of("x")));
            assertTrue(e.getMessage().contains("-D" + PROP + "=/no/such/libcublas.so.13"), e.getMessage());
        } finally {
            System.clearProperty(PROP);
        }
    }

    @Test
    void notFoundSaysWhereItLooked() {
        CudaLibraries.Found f = CudaLibraries.find(PROP, List.of("libllava4j-does-not-exist.so.99"));
        assertNull(f.path());
        assertTrue(f.searched().contains("libllava4j-does-not-exist.so.99") && f.searched().contains("-D" + PROP),
                f.searched());
    }

    @Test
    void siblingFindsTheBuiltinsBesideNvrtc(@TempDir Path dir) throws Exception {
        Path nvrtc = Files.writeString(dir.resolve("libnvrtc.so.13"), "");
        Files.writeString(dir.resolve("libnvrtc-builtins.so.13.0"), "");
        Files.writeString(dir.resolve("libnvrtc-builtins_static.a"), "");
        assertEquals(dir.resolve("libnvrtc-builtins.so.13.0"),
                CudaLibraries.sibling(nvrtc, "libnvrtc-builtins.so").orElseThrow());
    }
}
