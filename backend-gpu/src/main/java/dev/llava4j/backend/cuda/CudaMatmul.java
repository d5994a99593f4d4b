package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Batched matmul on the GPU. Floating operands go to cuBLAS (BF16/F16 on tensor cores with F32 accumulation,
 * F32 in full precision unless -Dllava4j.cuda.tf32=true, F64 in double); integer or mixed integer/float products
 * use a simple kernel that accumulates in double.
 *
 * <p>Mixed F32 x BF16/F16 (activations times stored half weights): by default the F32 operand is rounded to the
 * half type and the product runs on tensor cores ({@code -Dllava4j.cuda.matmul=fast}); with
 * {@code -Dllava4j.cuda.matmul=highest} the half operand is widened to F32 instead, which matches the CPU backend
 * to float rounding but reads twice the bytes.
 */
final class CudaMatmul {
    static final String TF32_PROPERTY = "llava4j.cuda.tf32";
    static final String PRECISION_PROPERTY = "llava4j.cuda.matmul";

    private final CudaContext ctx;
    private final CudaBackend backend;
    private final boolean tf32 = Boolean.getBoolean(TF32_PROPERTY);
    private final boolean highest = "highest".equals(System.getProperty(PRECISION_PROPERTY, "fast").toLowerCase(Locale.ROOT));
    private Cublas cublas;
    private long handle;

    CudaMatmul(CudaContext ctx, CudaBackend backend) {
        this.ctx = ctx;
        this.backend = backend;
    }

    /** Serialised: the cuBLAS handle must not be used by two threads at once. */
    synchronized void matmul(Tensor a, Tensor b, Tensor out) {
        int r = out.rank();
        int k = a.shape()[r - 1];
        if (out.numel() == 0) {
            return;
        }
        if (k == 0) {
            backend.fill(out, 0);
            return;
        }
        DType compute = gemmType(a.dtype(), b.dtype(), out.dtype(), highest);
        if (compute == null) {
            generic(a, b, out);
            return;
        }
        List<Tensor> temps = new ArrayList<>();
        try {
            Tensor a2 = matrixReady(a.dtype() == compute ? a : compact(a, compute, temps), temps);
            Tensor b2 = matrixReady(b.dtype() == compute ? b : compact(b, compute, temps), temps);
            DType cType = resultType(compute, out.dtype());
            int[] os = out.strides();
            GemmLayout lo = GemmLayout.of(out.shape()[r - 2], out.shape()[r - 1], os[r - 2], os[r - 1]);
            boolean outTemp = lo == null || lo.transpose() || cType != out.dtype();
            Tensor o2 = outTemp ? temp(cType, out.shape(), temps) : out;
            cublasGemm(a2, b2, o2, compute);
            if (outTemp) {
                backend.copy(o2, out);
            }
        } finally {
            // stream order makes the blocks safe to reuse for later work even though the GEMM may still be running
            temps.forEach(Tensor::release);
        }
    }

    /** The dtype cuBLAS computes with for these operand dtypes, or null for the generic kernel. */
    static DType gemmType(DType a, DType b, DType out, boolean highest) {
        if (!a.isFloating() || !b.isFloating() || !out.isFloating()) {
            return null;
        }
        if (a == DType.F64 || b == DType.F64 || out == DType.F64) {
            return a == DType.F64 && b == DType.F64 && out == DType.F64 ? DType.F64 : null;
        }
        if (a == b) {
            return a;
        }
        if (!highest && (a == DType.F32 || b == DType.F32)) {
            return a == DType.F32 ? b : a;  // round the F32 operand to the stored half type: tensor cores
        }
        return DType.F32;
    }

    /** cuBLAS writes F32 or the input half type; other output dtypes go through an F32 temporary. */
    static DType resultType(DType compute, DType out) {
        if (compute == DType.F64) {
            return DType.F64;
        }
        return out == compute || out == DType.F32 ? out : DType.F32;
    }

    private void cublasGemm(Tensor a, Tensor b, Tensor out, DType compute) {
        ensureHandle();
        int r = out.rank();
        int m = out.shape()[r - 2];
        int n = out.shape()[r - 1];
        int k = a.shape()[r - 1];
        int[] as = a.strides();
        int[] bs = b.strides();
        int[] os = out.strides();
        GemmLayout la = GemmLayout.of(m, k, as[r - 2], as[r - 1]);
        GemmLayout lb = GemmLayout.of(k, n, bs[r - 2], bs[r - 1]);
        GemmLayout lo = GemmLayout.of(m, n, os[r - 2], os[r - 1]);
        int[] batchShape = Arrays.copyOf(out.shape(), r - 2);
        Layouts.Coalesced batch = Layouts.coalesce(batchShape, Arrays.copyOf(as, r - 2), Arrays.copyOf(bs, r - 2),
                Arrays.copyOf(os, r - 2));
        int computeType = compute == DType.F64 ? Cublas.COMPUTE_64F
                : compute == DType.F32 && tf32 ? Cublas.COMPUTE_32F_FAST_TF32 : Cublas.COMPUTE_32F;
        long aBase = CudaStorage.address(a);
        long bBase = CudaStorage.address(b);
        long oBase = CudaStorage.address(out);
        int ea = a.dtype().byteSize();
        int eb = b.dtype().byteSize();
        int eo = out.dtype().byteSize();
        // the last (coalesced) batch dim becomes cuBLAS's strided batch; any dims before it are looped here
        int inner = batch.rank() - 1;
        int count = inner < 0 ? 1 : batch.shape()[inner];
        long sa = inner < 0 ? 0 : batch.strides()[0][inner];
        long sb = inner < 0 ? 0 : batch.strides()[1][inner];
        long so = inner < 0 ? 0 : batch.strides()[2][inner];
        int outerDims = Math.max(0, inner);
        long outer = 1;
        for (int d = 0; d < outerDims; d++) {
            outer *= batch.shape()[d];
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment alpha = scalar(arena, compute, 1.0);
            MemorySegment beta = scalar(arena, compute, 0.0);
            if (inner < 0) {
                // out^T (n x m) = b^T (n x k) . a^T (k x m) in column-major terms
                cublas.gemm(handle, lb.transpose() ? Cublas.OP_T : Cublas.OP_N, la.transpose() ? Cublas.OP_T : Cublas.OP_N,
                        n, m, k, alpha, bBase, cudaType(b.dtype()), lb.ld(), aBase, cudaType(a.dtype()), la.ld(), beta,
                        oBase, cudaType(out.dtype()), lo.ld(), computeType);
                return;
            }
            int[] idx = new int[outerDims];
            for (long o = 0; o < outer; o++) {
                long rem = o;
                long offA = 0;
                long offB = 0;
                long offO = 0;
                for (int d = outerDims - 1; d >= 0; d--) {
                    idx[d] = (int) (rem % batch.shape()[d]);
                    rem /= batch.shape()[d];
                    offA += (long) idx[d] * batch.strides()[0][d];
                    offB += (long) idx[d] * batch.strides()[1][d];
                    offO += (long) idx[d] * batch.strides()[2][d];
                }
                // out^T (n x m) = b^T (n x k) . a^T (k x m) in column-major terms
                cublas.gemmStridedBatched(handle, lb.transpose() ? Cublas.OP_T : Cublas.OP_N,
                        la.transpose() ? Cublas.OP_T : Cublas.OP_N, n, m, k, alpha,
                        bBase + offB * eb, cudaType(b.dtype()), lb.ld(), sb,
                        aBase + offA * ea, cudaType(a.dtype()), la.ld(), sa, beta,
                        oBase + offO * eo, cudaType(out.dtype()), lo.ld(), so, count, computeType);
            }
        }
    }

    private void ensureHandle() {
        if (cublas == null) {
            cublas = Cublas.load();
            handle = cublas.create();
            cublas.setStream(handle, ctx.stream());
        }
    }

    private static MemorySegment scalar(Arena arena, DType compute, double v) {
        if (compute == DType.F64) {
            MemorySegment s = arena.allocate(ValueLayout.JAVA_DOUBLE);
            s.set(ValueLayout.JAVA_DOUBLE, 0, v);
            return s;
        }
        MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT);
        s.set(ValueLayout.JAVA_FLOAT, 0, (float) v);
        return s;
    }

    static int cudaType(DType t) {
        return switch (t) {
            case F32 -> Cublas.R_32F;
            case F64 -> Cublas.R_64F;
            case F16 -> Cublas.R_16F;
            case BF16 -> Cublas.R_16BF;
            default -> throw new IllegalArgumentException("cuBLAS has no matrix type for " + t);
        };
    }

    /** The operand itself when cuBLAS can read its last two dims in place, else a contiguous copy. */
    private Tensor matrixReady(Tensor x, List<Tensor> temps) {
        int r = x.rank();
        int[] s = x.strides();
        if (GemmLayout.of(x.shape()[r - 2], x.shape()[r - 1], s[r - 2], s[r - 1]) != null) {
            return x;
        }
        return compact(x, x.dtype(), temps);
    }

    /**
     * A contiguous copy of x in {@code dtype} that keeps broadcast (stride-0) dims broadcast: only the distinct
     * elements are copied, so an expanded weight is not materialised once per batch entry.
     */
    private Tensor compact(Tensor x, DType dtype, List<Tensor> temps) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] small = shape.clone();
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0) {
                small[d] = 1;
            }
        }
        Tensor src = new Tensor(x.storage(), x.dtype(), small, strides, x.offset());
        Tensor copy = temp(dtype, small, temps);
        backend.copy(src, copy);
        int[] copyStrides = copy.strides();
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0) {
                copyStrides[d] = 0;
            }
        }
        return new Tensor(copy.storage(), dtype, shape, copyStrides, 0);
    }

    private Tensor temp(DType dtype, int[] shape, List<Tensor> temps) {
        Tensor t = CudaTensors.empty(dtype, shape);
        temps.add(t);
        return t;
    }

    private void generic(Tensor a, Tensor b, Tensor out) {
        int r = out.rank();
        int m = out.shape()[r - 2];
        int n = out.shape()[r - 1];
        int k = a.shape()[r - 1];
        int[] as = a.strides();
        int[] bs = b.strides();
        int[] os = out.strides();
        Layouts.Coalesced batch = Layouts.coalesce(Arrays.copyOf(out.shape(), r - 2), Arrays.copyOf(as, r - 2),
                Arrays.copyOf(bs, r - 2), Arrays.copyOf(os, r - 2));
        try (KernelArgs args = new KernelArgs()) {
            args.i64(out.numel()).dims(batch.shape()).i32(m).i32(n).i32(k)
                    .tensor(a).strides(batch.strides()[0]).i32(as[r - 2]).i32(as[r - 1])
                    .tensor(b).strides(batch.strides()[1]).i32(bs[r - 2]).i32(bs[r - 1])
                    .tensor(out).strides(batch.strides()[2]).i32(os[r - 2]).i32(os[r - 1]);
            ctx.launchElements("matmul", "matmul_generic", out.numel(), args);
        }
    }
}
