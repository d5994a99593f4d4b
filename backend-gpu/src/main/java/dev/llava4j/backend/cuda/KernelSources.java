package dev.llava4j.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The CUDA C kernel sources kept as resources under dev/llava4j/backend/cuda/kernels/. */
final class KernelSources {
    /** Every kernel module; one .cu file each, compiled and loaded separately on first use. */
    static final List<String> MODULES = List.of("elementwise", "reduce", "softmax", "norms", "rope", "attention",
            "indexing", "loss", "optim", "matmul");

    /** The header every module includes. */
    static final String HEADER = "common.cuh";

    private KernelSources() {
    }

    static String module(String name) {
        return resource(name + ".cu");
    }

    static String header() {
        return resource(HEADER);
    }

    private static String resource(String file) {
        try (InputStream in = KernelSources.class.getResourceAsStream("kernels/" + file)) {
            if (in == null) {
                throw new IllegalStateException("kernel source dev/llava4j/backend/cuda/kernels/" + file
                        + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + file, e);
        }
    }
}
