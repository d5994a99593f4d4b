// One torch.optim.AdamW step in place on contiguous F32 param/m/v with a gradient of any float dtype and layout.
// step_size = lr / (1 - beta1^t) and inv_sqrt_bc2 = 1 / sqrt(1 - beta2^t) are computed in Java in double.
#include "common.cuh"

extern "C" __global__ void adamw(long long n, Dims gd, float* param, const void* grad, int gdt, Strides gs, float* m,
                                 float* v, float lr, float beta1, float beta2, float eps, float weight_decay,
                                 float step_size, float inv_sqrt_bc2) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, gd, idx);
        float g = load<float>(grad, gdt, offset_of(idx, gd.rank, gs));
        float p = param[i] * (1.0f - lr * weight_decay);
        float mi = m[i] * beta1 + (1.0f - beta1) * g;
        float vi = v[i] * beta2 + (1.0f - beta2) * g * g;
        float denom = sqrtf(vi) * inv_sqrt_bc2 + eps;
        param[i] = p - step_size * mi / denom;
        m[i] = mi;
        v[i] = vi;
    }
}
