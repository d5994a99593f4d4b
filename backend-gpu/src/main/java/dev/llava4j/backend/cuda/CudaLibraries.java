package dev.llava4j.backend.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds CUDA toolkit libraries (NVRTC, cuBLAS) on disk. Order: the system property naming the file, then the
 * toolkit folders ($CUDA_PATH, $CUDA_HOME, /usr/local/cuda, /usr/local/cuda-N.M newest first; lib64, lib and
 * targets/x86_64-linux/lib), then java.library.path and LD_LIBRARY_PATH. The answer lists every place searched
 * so that a missing library gives an error saying exactly where it was looked for.
 */
final class CudaLibraries {
    private CudaLibraries() {
    }

    /** A library file, or the reason it was not found. */
    record Found(Path path, String searched) {
    }

    /**
     * Looks for the first of {@code fileNames} (e.g. libcublas.so.13, libcublas.so.12, libcublas.so).
     *
     * @param property system property that may name the file directly (checked first, must exist when set)
     */
    static Found find(String property, List<String> fileNames) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isRegularFile(p)) {
                throw new CudaException("-D" + property + "=" + configured + " does not name an existing file");
            }
            return new Found(p, "-D" + property);
        }
        List<Path> dirs = searchDirectories();
        for (String name : fileNames) {
            for (Path dir : dirs) {
                Path candidate = dir.resolve(name);
                if (Files.exists(candidate)) {
                    return new Found(candidate, null);
                }
            }
        }
        return new Found(null, "looked for " + fileNames + " in " + dirs + " (set -D" + property
                + "=/path/to/library to choose one)");
    }

    /** Files in {@code dir} whose name starts with {@code prefix}, e.g. the libnvrtc-builtins.so.13.0 beside libnvrtc. */
    static Optional<Path> sibling(Path library, String prefix) {
        Path dir = library.toAbsolutePath().getParent();
        if (dir == null) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix))
                    .min(Comparator.comparing(f -> f.getFileName().toString().length()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The toolkit's include folder (for cuda_bf16.h when NVRTC does not bring its own), if one is found. */
    static Optional<Path> toolkitInclude() {
        for (Path root : toolkitRoots()) {
            for (String sub : List.of("include", "targets/x86_64-linux/include")) {
                Path inc = root.resolve(sub);
                if (Files.isRegularFile(inc.resolve("cuda_bf16.h"))) {
                    return Optional.of(inc);
                }
            }
        }
        return Optional.empty();
    }

    static List<Path> toolkitRoots() {
        Set<Path> roots = new LinkedHashSet<>();
        for (String env : List.of("CUDA_PATH", "CUDA_HOME")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                roots.add(Path.of(v));
            }
        }
        roots.add(Path.of("/usr/local/cuda"));
        Path local = Path.of("/usr/local");
        if (Files.isDirectory(local)) {
            try (Stream<Path> s = Files.list(local)) {
                s.filter(p -> p.getFileName().toString().matches("cuda-\\d+(\\.\\d+)?"))
                        .sorted(Comparator.comparing(CudaLibraries::versionKey).reversed())
                        .forEach(roots::add);
            } catch (IOException e) {
                // an unreadable /usr/local only narrows the search
            }
        }
        return new ArrayList<>(roots);
    }

    private static List<Path> searchDirectories() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path root : toolkitRoots()) {
            dirs.add(root.resolve("lib64"));
            dirs.add(root.resolve("lib"));
            dirs.add(root.resolve("targets/x86_64-linux/lib"));
        }
        for (String pathList : new String[]{System.getProperty("java.library.path"), System.getenv("LD_LIBRARY_PATH")}) {
            if (pathList != null) {
                for (String d : pathList.split(java.io.File.pathSeparator)) {
                    if (!d.isBlank()) {
                        dirs.add(Path.of(d));
                    }
                }
            }
        }
        dirs.removeIf(d -> !Files.isDirectory(d));
        return new ArrayList<>(dirs);
    }

    /** "cuda-12.4" -> 12004, so that cuda-12.10 sorts after cuda-12.9. */
    private static int versionKey(Path p) {
        String v = p.getFileName().toString().substring("cuda-".length());
        String[] parts = v.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        return major * 1000 + minor;
    }
}
