package dev.llava4j.backend.cuda;

import org.lwjgl.cuda.NVRTC;
import org.lwjgl.system.Configuration;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CUDA C to CUBIN/PTX with NVRTC through LWJGL. LWJGL's own toolkit search only looks at /usr/local/cuda-X.Y/lib
 * for regular files named lib*.so, which misses the usual lib64 symlinks, so the library paths are resolved with
 * {@link CudaLibraries} and handed to LWJGL before its NVRTC class loads (unless the user configured them).
 */
final class Nvrtc {
    /** System property naming libnvrtc.so.N directly. */
    static final String LIBRARY_PROPERTY = "llava4j.nvrtc";

    private static boolean loaded;
    private static String loadFailure;

    private Nvrtc() {
    }

    /** Loads NVRTC once; throws a CudaException naming what is missing (and keeps that answer). */
    static synchronized void ensureLoaded() {
        if (loaded) {
            return;
        }
        if (loadFailure != null) {
            throw new CudaException(loadFailure);
        }
        try {
            if (Configuration.CUDA_NVRTC_LIBRARY_NAME.get() == null) {
                CudaLibraries.Found f = CudaLibraries.find(LIBRARY_PROPERTY,
                        List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"));
                if (f.path() == null) {
                    loadFailure = "NVRTC (libnvrtc.so) was not found: " + f.searched();
                    throw new CudaException(loadFailure);
                }
                Configuration.CUDA_NVRTC_LIBRARY_NAME.set(f.path().toString());
                if (Configuration.CUDA_NVRTC_BUILTINS_LIBRARY_NAME.get() == null) {
                    CudaLibraries.sibling(f.path(), "libnvrtc-builtins.so")
                            .ifPresent(b -> Configuration.CUDA_NVRTC_BUILTINS_LIBRARY_NAME.set(b.toString()));
                }
            }
            NVRTC.getLibrary();  // class initialisation loads both libraries
            loaded = true;
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            loadFailure = "NVRTC could not be loaded (" + Configuration.CUDA_NVRTC_LIBRARY_NAME.get() + "): " + t;
            throw new CudaException(loadFailure, t);
        }
    }

    /** "13.0". */
    static String version() {
        ensureLoaded();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment minor = arena.allocate(ValueLayout.JAVA_INT);
            check(NVRTC.nnvrtcVersion(major.address(), minor.address()), "nvrtcVersion");
            return major.get(ValueLayout.JAVA_INT, 0) + "." + minor.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Architectures NVRTC can emit code for, as 10 * major + minor (80, 86, 90, ...). */
    static int[] supportedArchs() {
        ensureLoaded();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            check(NVRTC.nnvrtcGetNumSupportedArchs(count.address()), "nvrtcGetNumSupportedArchs");
            int n = count.get(ValueLayout.JAVA_INT, 0);
            MemorySegment archs = arena.allocate(ValueLayout.JAVA_INT, Math.max(n, 1));
            check(NVRTC.nnvrtcGetSupportedArchs(archs.address()), "nvrtcGetSupportedArchs");
            return archs.asSlice(0, (long) n * 4).toArray(ValueLayout.JAVA_INT);
        }
    }

    /**
     * Compiles one program. {@code target} is "sm_90" for a CUBIN (cubin = true) or "compute_90" for PTX.
     *
     * @throws CudaException with NVRTC's log when compilation fails
     */
    static byte[] compile(String programName, String source, Map<String, String> headers, String target, boolean cubin,
                          List<String> extraOptions) {
        ensureLoaded();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progOut = arena.allocate(ValueLayout.JAVA_LONG);
            List<String> names = new ArrayList<>(headers.keySet());
            MemorySegment headerSources = arena.allocate(ValueLayout.ADDRESS, Math.max(1, names.size()));
            MemorySegment headerNames = arena.allocate(ValueLayout.ADDRESS, Math.max(1, names.size()));
            for (int i = 0; i < names.size(); i++) {
                headerSources.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(headers.get(names.get(i))));
                headerNames.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(names.get(i)));
            }
            check(NVRTC.nnvrtcCreateProgram(progOut.address(), arena.allocateFrom(source).address(),
                    arena.allocateFrom(programName).address(), names.size(), headerSources.address(),
                    headerNames.address()), "nvrtcCreateProgram(" + programName + ")");
            long prog = progOut.get(ValueLayout.JAVA_LONG, 0);
            try {
                List<String> options = new ArrayList<>();
                options.add("--gpu-architecture=" + target);
                options.add("--std=c++17");
                options.addAll(extraOptions);
                MemorySegment opts = arena.allocate(ValueLayout.ADDRESS, options.size());
                for (int i = 0; i < options.size(); i++) {
                    opts.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(options.get(i)));
                }
                int result = NVRTC.nnvrtcCompileProgram(prog, options.size(), opts.address());
                if (result != NVRTC.NVRTC_SUCCESS) {
                    throw new CudaException("NVRTC could not compile kernel source " + programName + " for " + target
                            + " (" + NVRTC.nvrtcGetErrorString(result) + "), options " + options + ":\n"
                            + log(arena, prog));
                }
                return cubin ? output(arena, prog, true) : output(arena, prog, false);
            } finally {
                NVRTC.nnvrtcDestroyProgram(progOut.address());
            }
        }
    }

    private static String log(Arena arena, long prog) {
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        if (NVRTC.nnvrtcGetProgramLogSize(prog, size.address()) != NVRTC.NVRTC_SUCCESS) {
            return "(no log)";
        }
        long n = size.get(ValueLayout.JAVA_LONG, 0);
        MemorySegment text = arena.allocate(Math.max(1, n));
        if (NVRTC.nnvrtcGetProgramLog(prog, text.address()) != NVRTC.NVRTC_SUCCESS) {
            return "(no log)";
        }
        return text.getString(0);
    }

    private static byte[] output(Arena arena, long prog, boolean cubin) {
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        check(cubin ? NVRTC.nnvrtcGetCUBINSize(prog, size.address()) : NVRTC.nnvrtcGetPTXSize(prog, size.address()),
                cubin ? "nvrtcGetCUBINSize" : "nvrtcGetPTXSize");
        long n = size.get(ValueLayout.JAVA_LONG, 0);
        MemorySegment data = arena.allocate(Math.max(1, n));
        check(cubin ? NVRTC.nnvrtcGetCUBIN(prog, data.address()) : NVRTC.nnvrtcGetPTX(prog, data.address()),
                cubin ? "nvrtcGetCUBIN" : "nvrtcGetPTX");
        return data.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    private static void check(int result, String call) {
        if (result != NVRTC.NVRTC_SUCCESS) {
            throw new CudaException(call + " failed: " + NVRTC.nvrtcGetErrorString(result) + " (" + result + ")");
        }
    }

    /** Where the library was taken from, for diagnostics. */
    static String libraryPath() {
        String configured = Configuration.CUDA_NVRTC_LIBRARY_NAME.get();
        return configured == null ? "(default search)" : Path.of(configured).toString();
    }
}
