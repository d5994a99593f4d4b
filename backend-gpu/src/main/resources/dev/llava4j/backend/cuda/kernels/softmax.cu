// Softmax / log-softmax over the last dim of contiguous [rows, n] data, and its backward. One block per row;
// computed in float whatever the storage dtype.
#include "common.cuh"

extern "C" __global__ void softmax_fwd(long long rows, int n, const void* x, int xdt, void* out, int odt, int log_out) {
    __shared__ float shm[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = r * n;
        float mx = -ll_inf_f();
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            mx = nan_max(mx, load<float>(x, xdt, base + j));
        }
        mx = block_max(mx, shm);
        float sum = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            sum += expf(load<float>(x, xdt, base + j) - mx);
        }
        sum = block_sum(sum, shm);
        float lse = mx + logf(sum);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float v = load<float>(x, xdt, base + j);
            // a row of -inf gives NaN in both forms, like the reference
            store<float>(out, odt, base + j, log_out ? v - lse : expf(v - mx) / sum);
        }
    }
}

extern "C" __global__ void softmax_bwd(long long rows, int n, const void* y, int ydt, const void* gy, int gdt, void* gx,
                                       int gxdt, int log_out) {
    __shared__ float shm[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = r * n;
        float dot = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float g = load<float>(gy, gdt, base + j);
            dot += log_out ? g : g * load<float>(y, ydt, base + j);
        }
        dot = block_sum(dot, shm);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float yv = load<float>(y, ydt, base + j);
            float g = load<float>(gy, gdt, base + j);
            store<float>(gx, gxdt, base + j, log_out ? g - expf(yv) * dot : yv * (g - dot));
        }
    }
}
