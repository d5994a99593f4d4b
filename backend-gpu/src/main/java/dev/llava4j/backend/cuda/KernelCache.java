package dev.llava4j.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Compiled kernels on disk, so NVRTC runs once per device architecture and source version. The file name carries
 * the module, the target architecture and a SHA-256 over everything that changes the binary (architecture,
 * NVRTC version, options, module and header source). Writes are atomic (temporary file + rename); a cache that
 * cannot be written only costs a recompilation.
 */
final class KernelCache {
    /** System property choosing the cache folder. */
    static final String DIRECTORY_PROPERTY = "llava4j.cuda.cacheDir";

    private final Path directory;

    KernelCache(Path directory) {
        this.directory = directory;
    }

    /** -Dllava4j.cuda.cacheDir, else $XDG_CACHE_HOME/llava4j/cuda, else ~/.cache/llava4j/cuda. */
    static Path defaultDirectory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("llava4j").resolve("cuda");
    }

    Path directory() {
        return directory;
    }

    static String key(String target, String compilerVersion, List<String> options, String... sources) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((target + "\n" + compilerVersion + "\n" + String.join(" ", options) + "\n").getBytes(StandardCharsets.UTF_8));
            for (String s : sources) {
                sha.update(s.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    Path file(String module, String target, String key, boolean cubin) {
        return directory.resolve(module + "-" + target + "-" + key.substring(0, 24) + (cubin ? ".cubin" : ".ptx"));
    }

    Optional<byte[]> read(String module, String target, String key, boolean cubin) {
        Path f = file(module, target, key, cubin);
        try {
            return Files.isRegularFile(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Returns false (and leaves no partial file) when the cache folder cannot be written. */
    boolean write(String module, String target, String key, boolean cubin, byte[] binary) {
        Path f = file(module, target, key, cubin);
        Path tmp = null;
        try {
            Files.createDirectories(directory);
            tmp = Files.createTempFile(directory, f.getFileName().toString(), ".tmp");
            Files.write(tmp, binary);
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            return false;
        }
    }
}
