package dev.llava4j.backend.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compiles every kernel source with {@code nvcc -ptx} for sm_80 (A100) and sm_90 (H100) with every warning an
 * error, where nvcc exists (CI has it; no GPU is needed). Skipped, with the reason, where it does not.
 */
class KernelCompileTest {
    private static final Optional<Path> NVCC = findNvcc();

    /** The entry points the Java side launches, per module (a renamed kernel must fail here, not on a GPU). */
    private static final Map<String, List<String>> LAUNCHED = Map.of(
            "elementwise", List.of("unary_f32", "unary_f64", "binary_f32", "binary_f64", "where_f32", "where_f64",
                    "copy_float", "copy_int", "fill"),
            "reduce", List.of("reduce_f32", "reduce_f64", "arg_reduce"),
            "softmax", List.of("softmax_fwd", "softmax_bwd"),
            "norms", List.of("layernorm_fwd", "layernorm_bwd_dx", "norm_bwd_dwdb", "rmsnorm_fwd", "rmsnorm_bwd_dx"),
            "rope", List.of("rope"),
            "attention", List.of("attn_fwd", "attn_bwd_delta", "attn_bwd_dq", "attn_bwd_dkv"),
            "indexing", List.of("index_select", "index_add", "gather", "scatter_add"),
            "loss", List.of("cross_entropy_fwd", "cross_entropy_bwd"),
            "optim", List.of("adamw"),
            "matmul", List.of("matmul_generic"));

    private static Optional<Path> findNvcc() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(dir, "nvcc"));
            }
        }
        for (Path root : CudaLibraries.toolkitRoots()) {
            candidates.add(root.resolve("bin/nvcc"));
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    private static Path kernelDir() throws URISyntaxException {
        var url = KernelSources.class.getResource("kernels/" + KernelSources.HEADER);
        assertTrue(url != null && "file".equals(url.getProtocol()), "kernel sources must be a folder on the test class path");
        return Path.of(url.toURI()).getParent();
    }

    static Stream<Arguments> sourcesAndArchs() throws Exception {
        try (Stream<Path> files = Files.list(kernelDir())) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".cu")).sorted().toList();
            return sources.stream().flatMap(f -> Stream.of(Arguments.of(f.getFileName().toString(), "sm_80"),
                    Arguments.of(f.getFileName().toString(), "sm_90")));
        }
    }

    @Test
    void everySourceFileIsAKnownModule() throws Exception {
        try (Stream<Path> files = Files.list(kernelDir())) {
            Set<String> onDisk = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cu"))
                    .map(n -> n.substring(0, n.length() - 3)).collect(Collectors.toSet());
            assertEquals(Set.copyOf(KernelSources.MODULES), onDisk, "KernelSources.MODULES vs kernels/*.cu");
            assertEquals(LAUNCHED.keySet(), onDisk, "every module has its launched kernels listed in this test");
        }
        for (String m : KernelSources.MODULES) {
            assertTrue(KernelSources.module(m).contains("#include \"common.cuh\""), m + ".cu includes common.cuh");
        }
    }

    @ParameterizedTest(name = "{0} for {1}")
    @MethodSource("sourcesAndArchs")
    void compilesWithoutWarnings(String file, String arch) throws Exception {
        assumeTrue(NVCC.isPresent(), "nvcc not found on PATH or under /usr/local/cuda*/bin: kernel compile check skipped");
        Path dir = kernelDir();
        Path out = Files.createTempFile("llava4j-" + file, "." + arch + ".ptx");
        try {
            ProcessBuilder pb = new ProcessBuilder(NVCC.get().toString(), "-ptx", "-arch=" + arch, "-std=c++17",
                    "-Werror", "all-warnings", "-I", dir.toString(), dir.resolve(file).toString(), "-o", out.toString());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc timed out on " + file);
            if (p.exitValue() != 0 || !output.isBlank()) {
                fail("nvcc " + arch + " " + file + " (exit " + p.exitValue() + "):\n" + output);
            }
            String ptx = Files.readString(out);
            assertTrue(ptx.contains(".target " + arch), file + ": PTX for " + arch);
            String module = file.substring(0, file.length() - 3);
            for (String kernel : LAUNCHED.get(module)) {
                assertTrue(ptx.contains(".visible .entry " + kernel + "("), file + ": PTX has entry point " + kernel);
            }
        } finally {
            deleteQuietly(out);
        }
    }

    private static void deleteQuietly(Path p) throws IOException {
        Files.deleteIfExists(p);
    }
}
