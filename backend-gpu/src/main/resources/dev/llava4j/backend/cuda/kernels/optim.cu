// One torch.optim.AdamW step in place on contiguous F32 param/m/v with a gradient of any float dtype and layout.
// The scalars are formed in Java in double and rounded once, as PyTorch does with Python floats (1 - 0.999 in float
// arithmetic is off by 5e-5 relative): decay = 1 - lr * weight_decay, one_minus_beta1/2, step_size = lr / (1 - beta1^t),
// sqrt_bc2 = sqrt(1 - beta2^t). Same operation order as the CPU backend.
#include "common.cuh"

extern "C" __global__ void adamw(long long n, Dims gd, float* param, const void* grad, int gdt, Strides gs, float* m,
                                 float* v, float decay, float beta1, float one_minus_beta1, float beta2,
                                 float one_minus_beta2, float eps, float step_size, float sqrt_bc2) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, gd, idx);
        float g = load<float>(grad, gdt, offset_of(idx, gd.rank, gs));
        float mi = m[i] * beta1 + g * one_minus_beta1;
        float vi = v[i] * beta2 + g * g * one_minus_beta2;
        float denom = sqrtf(vi) / sqrt_bc2 + eps;
        param[i] = param[i] * decay - step_size * (mi / denom);
        m[i] = mi;
        v[i] = vi;
    }
}
