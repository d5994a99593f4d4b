// Cross-entropy over rows of contiguous logits [N, V] with integer targets (stride tstride) and an ignore index.
// One block per row; log-sum-exp in float.
#include "common.cuh"

extern "C" __global__ void cross_entropy_fwd(long long rows, int v, const void* logits, int ldt, const void* targets,
                                             int tdt, int tstride, long long ignore_index, void* loss, int lossdt,
                                             void* lse, int lsedt, unsigned long long* err) {
    __shared__ float shm[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = r * v;
        float mx = -ll_inf_f();
        for (int j = threadIdx.x; j < v; j += blockDim.x) {
            mx = nan_max(mx, load<float>(logits, ldt, base + j));
        }
        mx = block_max(mx, shm);
        float sum = 0;
        for (int j = threadIdx.x; j < v; j += blockDim.x) {
            sum += expf(load<float>(logits, ldt, base + j) - mx);
        }
        sum = block_sum(sum, shm);
        if (threadIdx.x == 0) {
            float l = mx + logf(sum);
            long long t = load_int(targets, tdt, r * tstride);
            float value;
            if (t == ignore_index) {
                value = 0.0f;
            } else if (t < 0 || t >= v) {
                report_index_error(err, ERR_CROSS_ENTROPY, t, v);
                value = __int_as_float(0x7fc00000);  // NaN
            } else {
                value = l - load<float>(logits, ldt, base + t);
            }
            store<float>(lse, lsedt, r, l);
            store<float>(loss, lossdt, r, value);
        }
    }
}

// gLogits[r, j] = gLoss[r] * (softmax(logits[r])[j] - (j == target[r])), 0 on ignored rows.
extern "C" __global__ void cross_entropy_bwd(long long rows, int v, const void* logits, int ldt, const void* targets,
                                             int tdt, int tstride, long long ignore_index, const void* lse, int lsedt,
                                             const void* gloss, int gdt, int gstride, void* glogits, int gldt) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = r * v;
        long long t = load_int(targets, tdt, r * tstride);
        float g = t == ignore_index ? 0.0f : load<float>(gloss, gdt, r * gstride);
        float l = load<float>(lse, lsedt, r);
        for (int j = threadIdx.x; j < v; j += blockDim.x) {
            float p = expf(load<float>(logits, ldt, base + j) - l);
            store<float>(glogits, gldt, base + j, g * (p - (j == t ? 1.0f : 0.0f)));
        }
    }
}
