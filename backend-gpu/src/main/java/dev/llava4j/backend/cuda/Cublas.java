package dev.llava4j.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few cuBLAS entry points llava4j needs, bound with java.lang.foreign downcalls: handle creation, stream
 * binding and the mixed-precision GEMMs (cublasGemmEx, cublasGemmStridedBatchedEx). The library is the one named
 * by -Dllava4j.cublas, else libcublas.so.13 / .12 found in the CUDA toolkit folders or on the library path,
 * else whatever the dynamic linker finds under those names.
 */
final class Cublas {
    static final String LIBRARY_PROPERTY = "llava4j.cublas";
    static final List<String> FILE_NAMES = List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so");

    // cublasOperation_t, cudaDataType_t, cublasComputeType_t, cublasGemmAlgo_t (cublas_api.h, library_types.h)
    static final int OP_N = 0;
    static final int OP_T = 1;
    static final int R_32F = 0;
    static final int R_64F = 1;
    static final int R_16F = 2;
    static final int R_16BF = 14;
    static final int COMPUTE_32F = 68;
    static final int COMPUTE_64F = 70;
    static final int COMPUTE_32F_FAST_TF32 = 77;
    static final int GEMM_DEFAULT = -1;

    private static Cublas instance;
    private static String failure;

    private final String origin;
    private final MethodHandle create;
    private final MethodHandle setStream;
    private final MethodHandle gemmEx;
    private final MethodHandle gemmStridedBatchedEx;
    private final MethodHandle statusString;

    private Cublas(SymbolLookup lib, String origin) {
        this.origin = origin;
        Linker linker = Linker.nativeLinker();
        ValueLayout i32 = ValueLayout.JAVA_INT;
        ValueLayout i64 = ValueLayout.JAVA_LONG;
        ValueLayout ptr = ValueLayout.ADDRESS;
        create = linker.downcallHandle(symbol(lib, "cublasCreate_v2"), FunctionDescriptor.of(i32, ptr));
        setStream = linker.downcallHandle(symbol(lib, "cublasSetStream_v2"), FunctionDescriptor.of(i32, ptr, ptr));
        gemmEx = linker.downcallHandle(symbol(lib, "cublasGemmEx"), FunctionDescriptor.of(i32,
                ptr, i32, i32, i32, i32, i32, ptr, ptr, i32, i32, ptr, i32, i32, ptr, ptr, i32, i32, i32, i32));
        gemmStridedBatchedEx = linker.downcallHandle(symbol(lib, "cublasGemmStridedBatchedEx"), FunctionDescriptor.of(i32,
                ptr, i32, i32, i32, i32, i32, ptr, ptr, i32, i32, i64, ptr, i32, i32, i64, ptr, ptr, i32, i32, i64, i32,
                i32, i32));
        statusString = lib.find("cublasGetStatusString")
                .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ptr, i32))).orElse(null);
    }

    private MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new CudaException("cuBLAS library " + origin + " has no symbol " + name));
    }

    /** The bound library, loaded once; a CudaException naming what is missing otherwise (remembered). */
    static synchronized Cublas load() {
        if (instance != null) {
            return instance;
        }
        if (failure != null) {
            throw new CudaException(failure);
        }
        List<String> tried = new ArrayList<>();
        CudaLibraries.Found found = CudaLibraries.find(LIBRARY_PROPERTY, FILE_NAMES);
        try {
            if (found.path() != null) {
                instance = new Cublas(SymbolLookup.libraryLookup(found.path(), Arena.global()), found.path().toString());
                return instance;
            }
            tried.add(found.searched());
            for (String name : FILE_NAMES) {
                Optional<SymbolLookup> lib = tryLookup(name);
                if (lib.isPresent()) {
                    instance = new Cublas(lib.get(), name);
                    return instance;
                }
                tried.add("dlopen(" + name + ") failed");
            }
            failure = "cuBLAS (libcublas.so.13 or .12) was not found: " + String.join("; ", tried)
                    + ". Install the CUDA toolkit's cuBLAS or pass -D" + LIBRARY_PROPERTY + "=/path/to/libcublas.so.13";
        } catch (RuntimeException e) {
            failure = "cuBLAS could not be loaded: " + e.getMessage();
        }
        throw new CudaException(failure);
    }

    private static Optional<SymbolLookup> tryLookup(String name) {
        try {
            return Optional.of(SymbolLookup.libraryLookup(name, Arena.global()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String origin() {
        return origin;
    }

    long create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check((int) create.invokeExact(out), "cublasCreate");
            return out.get(ValueLayout.ADDRESS, 0).address();
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cublasCreate failed", t);
        }
    }

    void setStream(long handle, long stream) {
        try {
            check((int) setStream.invokeExact(MemorySegment.ofAddress(handle), MemorySegment.ofAddress(stream)),
                    "cublasSetStream");
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cublasSetStream failed", t);
        }
    }

    /** One GEMM in cuBLAS's column-major terms: C = alpha * op(A) op(B) + beta * C. */
    void gemm(long handle, int opA, int opB, int m, int n, int k, MemorySegment alpha, long a, int aType, int lda,
              long b, int bType, int ldb, MemorySegment beta, long c, int cType, int ldc, int computeType) {
        try {
            check((int) gemmEx.invokeExact(MemorySegment.ofAddress(handle), opA, opB, m, n, k, alpha,
                    MemorySegment.ofAddress(a), aType, lda, MemorySegment.ofAddress(b), bType, ldb, beta,
                    MemorySegment.ofAddress(c), cType, ldc, computeType, GEMM_DEFAULT),
                    describe("cublasGemmEx", opA, opB, m, n, k, aType, bType, cType, computeType, 1));
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cublasGemmEx failed", t);
        }
    }

    /** {@code batch} GEMMs whose operands are {@code stride} elements apart (stride 0 reuses an operand). */
    void gemmStridedBatched(long handle, int opA, int opB, int m, int n, int k, MemorySegment alpha, long a, int aType,
                            int lda, long strideA, long b, int bType, int ldb, long strideB, MemorySegment beta, long c,
                            int cType, int ldc, long strideC, int batch, int computeType) {
        try {
            check((int) gemmStridedBatchedEx.invokeExact(MemorySegment.ofAddress(handle), opA, opB, m, n, k, alpha,
                    MemorySegment.ofAddress(a), aType, lda, strideA, MemorySegment.ofAddress(b), bType, ldb, strideB,
                    beta, MemorySegment.ofAddress(c), cType, ldc, strideC, batch, computeType, GEMM_DEFAULT),
                    describe("cublasGemmStridedBatchedEx", opA, opB, m, n, k, aType, bType, cType, computeType, batch));
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cublasGemmStridedBatchedEx failed", t);
        }
    }

    private static String describe(String call, int opA, int opB, int m, int n, int k, int aType, int bType, int cType,
                                   int computeType, int batch) {
        return call + "(op " + opA + "/" + opB + ", m=" + m + " n=" + n + " k=" + k + ", types " + aType + "/" + bType
                + "/" + cType + ", compute " + computeType + ", batch " + batch + ")";
    }

    private void check(int status, String call) {
        if (status != 0) {
            String text = "CUBLAS_STATUS " + status;
            if (statusString != null) {
                try {
                    MemorySegment s = (MemorySegment) statusString.invokeExact(status);
                    text = s.reinterpret(256).getString(0) + " (" + status + ")";
                } catch (Throwable ignored) {
                    // keep the number
                }
            }
            throw new CudaException(call + " failed: " + text);
        }
    }
}
