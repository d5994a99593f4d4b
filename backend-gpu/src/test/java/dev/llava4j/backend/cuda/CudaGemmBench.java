package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;

import java.util.Locale;

/**
 * BF16 GEMM throughput on the GPU (cuBLAS through the backend's matmul), one JSON line. Not a test: run by
 * bench/gpu-check.sh next to the same product in PyTorch. Arguments: [n (8192)] [timed reps (20)].
 */
public final class CudaGemmBench {
    private CudaGemmBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 8192;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        CudaRuntime.requireAvailable();
        Backend cuda = Backends.byName("cuda");
        Tensor a = CudaTensors.toDevice(Tensor.uniform(new Generator(1), -1, 1, n, n).to(DType.BF16));
        Tensor b = CudaTensors.toDevice(Tensor.uniform(new Generator(2), -1, 1, n, n).to(DType.BF16));
        Tensor out = CudaTensors.empty(DType.BF16, n, n);
        for (int i = 0; i < 3; i++) {
            cuda.matmul(a, b, out);
        }
        CudaTensors.synchronize();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            cuda.matmul(a, b, out);
        }
        CudaTensors.synchronize();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double tflops = 2.0 * n * n * (double) n * reps / seconds / 1e12;
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"gemm_bf16\",\"impl\":\"llava4j-cuda\",\"n\":%d,\"reps\":%d,\"ms_per_gemm\":%.3f,\"tflops\":%.1f,\"device\":\"%s\"}",
                n, reps, seconds * 1e3 / reps, tflops, CudaRuntime.devices().getFirst().name()));
    }
}
