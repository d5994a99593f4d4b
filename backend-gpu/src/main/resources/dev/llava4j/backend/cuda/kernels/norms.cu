// LayerNorm and RMSNorm over the last dim of contiguous [rows, n] data, forward and backward. One block per row for
// the row-wise parts; weight/bias gradients are column sums over rows (a 32x8 block per 32 columns). Optional
// weight/bias are (pointer, dtype, stride) vectors with a null pointer when absent. Computed in float.
#include "common.cuh"

__device__ __forceinline__ float vec_at(const void* p, int dt, int stride, int j) {
    return load<float>(p, dt, (long long) j * stride);
}

extern "C" __global__ void layernorm_fwd(long long rows, int n, const void* x, int xdt, const void* w, int wdt, int ws,
                                         const void* b, int bdt, int bs, float eps, void* out, int odt, void* mean,
                                         int mdt, void* rstd, int rdt) {
    __shared__ float shm[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = r * n;
        float s = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            s += load<float>(x, xdt, base + j);
        }
        float mu = block_sum(s, shm) / n;
        float ss = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float d = load<float>(x, xdt, base + j) - mu;
            ss += d * d;
        }
        float rs = rsqrtf(block_sum(ss, shm) / n + eps);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float v = (load<float>(x, xdt, base + j) - mu) * rs;
            if (w != nullptr) {
                v *= vec_at(w, wdt, ws, j);
            }
            if (b != nullptr) {
                v += vec_at(b, bdt, bs, j);
            }
            store<float>(out, odt, base + j, v);
        }
        if (threadIdx.x == 0) {
            store<float>(mean, mdt, r, mu);
            store<float>(rstd, rdt, r, rs);
        }
    }
}

extern "C" __global__ void layernorm_bwd_dx(long long rows, int n, const void* x, int xdt, const void* w, int wdt,
                                            int ws, const void* mean, int mdt, const void* rstd, int rdt,
                                            const void* gy, int gdt, void* gx, int gxdt) {
    __shared__ float shm[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = r * n;
        float mu = load<float>(mean, mdt, r);
        float rs = load<float>(rstd, rdt, r);
        float sg = 0;
        float sgx = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float xhat = (load<float>(x, xdt, base + j) - mu) * rs;
            float g = load<float>(gy, gdt, base + j);
            float gw = w != nullptr ? g * vec_at(w, wdt, ws, j) : g;
            sg += gw;
            sgx += gw * xhat;
        }
        sg = block_sum(sg, shm);
        sgx = block_sum(sgx, shm);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float xhat = (load<float>(x, xdt, base + j) - mu) * rs;
            float g = load<float>(gy, gdt, base + j);
            float gw = w != nullptr ? g * vec_at(w, wdt, ws, j) : g;
            store<float>(gx, gxdt, base + j, rs * (gw - sg / n - xhat * sgx / n));
        }
    }
}

// Column sums over rows: gw[j] = sum_r gy[r,j] * xhat[r,j], gb[j] = sum_r gy[r,j]. Block (32, 8); either output may
// be null. rms != 0 selects RMSNorm's xhat = x * rstd (mean unused).
extern "C" __global__ void norm_bwd_dwdb(long long rows, int n, const void* x, int xdt, const void* mean, int mdt,
                                         const void* rstd, int rdt, const void* gy, int gdt, void* gw, int gwdt,
                                         void* gb, int gbdt, int rms) {
    __shared__ float sw[8][33];
    __shared__ float sb[8][33];
    int j = blockIdx.x * 32 + threadIdx.x;
    float aw = 0;
    float ab = 0;
    if (j < n) {
        for (long long r = threadIdx.y; r < rows; r += blockDim.y) {
            float g = load<float>(gy, gdt, r * n + j);
            float xv = load<float>(x, xdt, r * n + j);
            float xhat = rms ? xv * load<float>(rstd, rdt, r)
                             : (xv - load<float>(mean, mdt, r)) * load<float>(rstd, rdt, r);
            aw += g * xhat;
            ab += g;
        }
    }
    sw[threadIdx.y][threadIdx.x] = aw;
    sb[threadIdx.y][threadIdx.x] = ab;
    __syncthreads();
    if (threadIdx.y == 0 && j < n) {
        for (int k = 1; k < (int) blockDim.y; k++) {
            aw += sw[k][threadIdx.x];
            ab += sb[k][threadIdx.x];
        }
        if (gw != nullptr) {
            store<float>(gw, gwdt, j, aw);
        }
        if (gb != nullptr) {
            store<float>(gb, gbdt, j, ab);
        }
    }
}

extern "C" __global__ void rmsnorm_fwd(long long rows, int n, const void* x, int xdt, const void* w, int wdt, int ws,
                                       float eps, void* out, int odt, void* rstd, int rdt) {
    __shared__ float shm[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = r * n;
        float ss = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float v = load<float>(x, xdt, base + j);
            ss += v * v;
        }
        float rs = rsqrtf(block_sum(ss, shm) / n + eps);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float v = load<float>(x, xdt, base + j) * rs;
            store<float>(out, odt, base + j, w != nullptr ? v * vec_at(w, wdt, ws, j) : v);
        }
        if (threadIdx.x == 0) {
            store<float>(rstd, rdt, r, rs);
        }
    }
}

extern "C" __global__ void rmsnorm_bwd_dx(long long rows, int n, const void* x, int xdt, const void* w, int wdt,
                                          int ws, const void* rstd, int rdt, const void* gy, int gdt, void* gx,
                                          int gxdt) {
    __shared__ float shm[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = r * n;
        float rs = load<float>(rstd, rdt, r);
        float dot = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float g = load<float>(gy, gdt, base + j);
            float gw = w != nullptr ? g * vec_at(w, wdt, ws, j) : g;
            dot += gw * load<float>(x, xdt, base + j);
        }
        dot = block_sum(dot, shm);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float xv = load<float>(x, xdt, base + j);
            float g = load<float>(gy, gdt, base + j);
            float gw = w != nullptr ? g * vec_at(w, wdt, ws, j) : g;
            store<float>(gx, gxdt, base + j, rs * gw - xv * rs * rs * rs * dot / n);
        }
    }
}
