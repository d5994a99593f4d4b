package dev.llava4j.backend.cuda;

import org.lwjgl.cuda.CU;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles (or reads from the disk cache) and loads the kernel modules of one device, once each, and hands out
 * function handles. A device whose architecture NVRTC supports gets a CUBIN for exactly that architecture;
 * a newer device gets PTX for the newest supported one, which the driver JIT-compiles.
 */
final class KernelLoader {
    private final CudaDeviceInfo device;
    private final KernelCache cache;
    private final Map<String, Long> modules = new HashMap<>();
    private final Map<String, Long> functions = new ConcurrentHashMap<>();
    private String target;
    private boolean cubin;

    KernelLoader(CudaDeviceInfo device, KernelCache cache) {
        this.device = device;
        this.cache = cache;
    }

    /** The CUfunction {@code kernel} of module {@code module}; the context must be current. */
    long function(String module, String kernel) {
        String key = module + "/" + kernel;
        Long f = functions.get(key);
        if (f != null) {
            return f;
        }
        long mod = module(module);
        long fn = Cu.outLong("cuModuleGetFunction(" + key + ")", out -> {
            try (Arena arena = Arena.ofConfined()) {
                return CU.ncuModuleGetFunction(out, mod, arena.allocateFrom(kernel).address());
            }
        });
        functions.put(key, fn);
        return fn;
    }

    private synchronized long module(String name) {
        Long loaded = modules.get(name);
        if (loaded != null) {
            return loaded;
        }
        byte[] binary = binary(name);
        long mod;
        try (Arena arena = Arena.ofConfined()) {
            // PTX must be NUL-terminated; the extra byte is harmless after a CUBIN
            MemorySegment image = arena.allocate(binary.length + 1L);
            MemorySegment.copy(binary, 0, image, ValueLayout.JAVA_BYTE, 0, binary.length);
            mod = Cu.outLong("cuModuleLoadData(" + name + " for " + target + ")",
                    out -> CU.ncuModuleLoadData(out, image.address()));
        }
        modules.put(name, mod);
        return mod;
    }

    private byte[] binary(String name) {
        chooseTarget();
        String source = KernelSources.module(name);
        String header = KernelSources.header();
        List<String> options = List.of("-DLLAVA4J_NVRTC=1");
        String key = KernelCache.key(target, Nvrtc.version(), options, name, source, header);
        return cache.read(name, target, key, cubin).orElseGet(() -> {
            byte[] compiled = compile(name, source, header, options);
            cache.write(name, target, key, cubin, compiled);
            return compiled;
        });
    }

    /**
     * Compiles with NVRTC's built-in cuda_fp16.h/cuda_bf16.h first; only when NVRTC has none (it then cannot open
     * them) is the toolkit's include folder added, because a toolkit of another version could disagree with NVRTC.
     */
    private byte[] compile(String name, String source, String header, List<String> options) {
        Map<String, String> headers = Map.of(KernelSources.HEADER, header);
        try {
            return Nvrtc.compile(name + ".cu", source, headers, target, cubin, options);
        } catch (CudaException e) {
            var include = CudaLibraries.toolkitInclude();
            // NVRTC 13 words it "could not open source file", older ones "cannot open source file"
            if (include.isEmpty() || !String.valueOf(e.getMessage()).contains("open source file")) {
                throw e;
            }
            List<String> withInclude = new ArrayList<>(options);
            withInclude.add("-I" + include.get());
            return Nvrtc.compile(name + ".cu", source, headers, target, cubin, withInclude);
        }
    }

    private void chooseTarget() {
        if (target != null) {
            return;
        }
        int arch = device.computeMajor() * 10 + device.computeMinor();
        int best = -1;
        for (int a : Nvrtc.supportedArchs()) {
            if (a == arch) {
                best = a;
                break;
            }
            if (a < arch && a > best) {
                best = a;
            }
        }
        if (best < 0) {
            throw new CudaException("NVRTC " + Nvrtc.version() + " cannot generate code for " + device.arch()
                    + " (" + device.name() + ")");
        }
        cubin = best == arch;
        target = (cubin ? "sm_" : "compute_") + best;
    }
}
