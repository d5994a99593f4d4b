package dev.llava4j.cli;

import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import picocli.CommandLine.Command;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** {@code ./llava4j info}: what this machine and build offer. */
@Command(name = "info", description = "Show Java, SIMD, cores, backends (and which ops each runs natively), CUDA.")
public final class InfoCommand implements Runnable {

    /** The SPI methods every backend implements; the reference path is used for those a backend does not list. */
    static final List<String> SPI_OPS = Arrays.stream(Backend.class.getDeclaredMethods())
            .filter(m -> !List.of("name", "device", "priority", "nativeOps", "synchronize").contains(m.getName()))
            .map(java.lang.reflect.Method::getName).distinct().sorted().toList();

    @Override
    public void run() {
        System.out.println("llava4j " + VersionCommand.version());
        System.out.println("java:     " + System.getProperty("java.vendor") + " " + Runtime.version()
                + " (" + System.getProperty("java.home") + ")");
        System.out.println("os/arch:  " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        System.out.println("cores:    " + Runtime.getRuntime().availableProcessors()
                + " (llava4j threads: " + dev.llava4j.backend.cpu.Parallel.threads() + ")");
        System.out.println("memory:   max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB; tensors are off-heap");
        System.out.println("simd:     " + dev.llava4j.backend.cpu.CpuInfo.describe());
        System.out.println("backends:");
        for (Backend b : Backends.all()) {
            TreeSet<String> scalar = new TreeSet<>(SPI_OPS);
            scalar.removeAll(b.nativeOps());
            System.out.printf("  %-10s device=%s priority=%d%n", b.name(), b.device(), b.priority());
            if (b.priority() > 0) {
                System.out.println("    native: " + String.join(", ", new TreeSet<>(b.nativeOps())));
                System.out.println("    scalar path (reference code): " + (scalar.isEmpty() ? "none" : String.join(", ", scalar)));
            } else {
                System.out.println("    all " + SPI_OPS.size() + " ops in plain scalar Java (the test oracle)");
            }
        }
        // the CUDA backend is always registered; whether it can run is the driver probe's answer
        for (String line : dev.llava4j.backend.cuda.CudaRuntime.describe()) {
            System.out.println(line);
        }
    }
}
