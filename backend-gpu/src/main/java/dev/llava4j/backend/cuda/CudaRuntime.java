package dev.llava4j.backend.cuda;

import org.lwjgl.cuda.CU;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Discovers the CUDA driver and GPUs. The probe runs once per JVM and its answer is kept: without a driver,
 * LWJGL's first call throws UnsatisfiedLinkError and every later one NoClassDefFoundError, so the first failure's
 * reason is the only useful one. Nothing here creates a context; {@link CudaContext} does that on first use.
 */
public final class CudaRuntime {
    /** Set to true to make the backend report itself unavailable even where a GPU exists. */
    public static final String DISABLE_PROPERTY = "llava4j.cuda.disable";

    private static Probe probe;

    private CudaRuntime() {
    }

    private record Probe(String failure, int driverVersion, List<CudaDeviceInfo> devices) {
        static Probe failed(String reason) {
            return new Probe(reason, 0, List.of());
        }
    }

    /** True when a driver and at least one GPU were found. Never throws. */
    public static boolean available() {
        return probe().failure == null;
    }

    /** Why CUDA cannot be used, or null when it can. */
    public static String unavailableReason() {
        return probe().failure;
    }

    /** The GPUs found (empty when unavailable). */
    public static List<CudaDeviceInfo> devices() {
        return probe().devices;
    }

    /** The CUDA version the driver supports, as the driver encodes it (1000 * major + 10 * minor), or 0. */
    public static int driverCudaVersion() {
        return probe().driverVersion;
    }

    /** "13.0" for 13000. */
    public static String formatVersion(int encoded) {
        return (encoded / 1000) + "." + (encoded % 1000) / 10;
    }

    /** Throws {@link CudaUnavailableException} with the probe's reason when CUDA cannot be used. */
    public static void requireAvailable() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new CudaUnavailableException(reason);
        }
    }

    /** Human-readable lines for {@code llava4j info}: driver, CUDA version, GPUs and memory, or why there are none. */
    public static List<String> describe() {
        List<String> lines = new ArrayList<>();
        Probe p = probe();
        if (p.failure != null) {
            lines.add("CUDA: not available (" + p.failure + ")");
            return lines;
        }
        String release = nvidiaDriverRelease();
        lines.add("CUDA: driver " + (release == null ? "(release unknown)" : release) + ", supports CUDA "
                + formatVersion(p.driverVersion) + ", " + p.devices.size() + " GPU(s)");
        for (CudaDeviceInfo d : p.devices) {
            lines.add("  " + d);
        }
        return lines;
    }

    private static synchronized Probe probe() {
        if (probe == null) {
            probe = runProbe();
        }
        return probe;
    }

    private static Probe runProbe() {
        if (Boolean.getBoolean(DISABLE_PROPERTY)) {
            return Probe.failed("disabled with -D" + DISABLE_PROPERTY + "=true");
        }
        if (!driverLibraryLoadable()) {
            // checked first so that LWJGL's loader does not print its own failure banner on machines without a GPU
            return Probe.failed("no NVIDIA driver: libcuda.so.1 was not found on the library path");
        }
        try {
            int init = CU.cuInit(0);
            if (init != CU.CUDA_SUCCESS) {
                String hint = init == CU.CUDA_ERROR_NO_DEVICE ? ": the driver sees no NVIDIA GPU" : "";
                return Probe.failed("cuInit failed with " + Cu.errorName(init) + hint);
            }
            int version = Cu.outInt("cuDriverGetVersion", CU::ncuDriverGetVersion);
            int count = Cu.outInt("cuDeviceGetCount", CU::ncuDeviceGetCount);
            if (count == 0) {
                return Probe.failed("the CUDA driver (CUDA " + formatVersion(version) + ") reports no GPU");
            }
            List<CudaDeviceInfo> devices = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                devices.add(describeDevice(i));
            }
            return new Probe(null, version, List.copyOf(devices));
        } catch (Throwable t) {
            // UnsatisfiedLinkError (no libcuda.so), NoClassDefFoundError (LWJGL natives missing), driver errors
            return Probe.failed("the CUDA driver library (libcuda.so) could not be used: " + t);
        }
    }

    /**
     * Whether the dynamic linker can open the driver library at all. LWJGL asks for "libcuda.so", which driver
     * installs inside containers often lack (they mount libcuda.so.1 only), so the name that opened is handed to
     * LWJGL unless one was configured.
     */
    private static boolean driverLibraryLoadable() {
        for (String name : new String[]{"libcuda.so.1", "libcuda.so"}) {
            try (Arena arena = Arena.ofConfined()) {
                java.lang.foreign.SymbolLookup.libraryLookup(name, arena);
                if (org.lwjgl.system.Configuration.CUDA_LIBRARY_NAME.get() == null) {
                    org.lwjgl.system.Configuration.CUDA_LIBRARY_NAME.set(name);
                }
                return true;
            } catch (IllegalArgumentException e) {
                // not found under this name; try the next
            }
        }
        return false;
    }

    private static CudaDeviceInfo describeDevice(int ordinal) {
        int dev = Cu.outInt("cuDeviceGet", out -> CU.ncuDeviceGet(out, ordinal));
        String name;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            Cu.check(CU.ncuDeviceGetName(buf.address(), 256, dev), "cuDeviceGetName");
            name = buf.getString(0);
        }
        long total = Cu.outLong("cuDeviceTotalMem", out -> CU.ncuDeviceTotalMem(out, dev));
        return new CudaDeviceInfo(ordinal, name,
                attribute(dev, CU.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CU.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), total,
                attribute(dev, CU.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                attribute(dev, CU.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN));
    }

    private static int attribute(int dev, int attribute) {
        return Cu.outInt("cuDeviceGetAttribute(" + attribute + ")", out -> CU.ncuDeviceGetAttribute(out, attribute, dev));
    }

    /** The kernel module's release ("580.65.06") from /proc, which the driver API does not expose. */
    static String nvidiaDriverRelease() {
        Path p = Path.of("/proc/driver/nvidia/version");
        try {
            if (Files.isReadable(p)) {
                String first = Files.readAllLines(p).getFirst();
                var m = java.util.regex.Pattern.compile("Kernel Module\\s+(?:for \\S+\\s+)?([0-9][0-9.]+)").matcher(first);
                if (m.find()) {
                    return m.group(1);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
