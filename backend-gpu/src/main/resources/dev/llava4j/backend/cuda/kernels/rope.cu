// Rotary embedding, rotate-half convention, over x [B, H, T, D] with cos/sin views of x's shape (stride 0 where
// broadcast). Forward: out = x*cos + rotate_half(x)*sin. Backward (the transpose, applied to the upstream gradient):
// out[j] = g[j]*cos[j] + (j < D/2 ? g[j+D/2]*sin[j+D/2] : -g[j-D/2]*sin[j-D/2]).
#include "common.cuh"

extern "C" __global__ void rope(long long n, Dims d, const void* x, int xdt, Strides xs, const void* c, int cdt,
                                Strides cs, const void* s, int sdt, Strides ss, void* out, int odt, Strides os,
                                int backward) {
    int idx[LL_MAX_RANK];
    int half = d.size[3] / 2;
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, d, idx);
        int j = idx[3];
        int partner = j < half ? j + half : j - half;
        float xv = load<float>(x, xdt, offset_of(idx, 4, xs));
        float cv = load<float>(c, cdt, offset_of(idx, 4, cs));
        long long oo = offset_of(idx, 4, os);
        idx[3] = partner;
        float xp = load<float>(x, xdt, offset_of(idx, 4, xs));
        float v;
        if (!backward) {
            idx[3] = j;
            float sv = load<float>(s, sdt, offset_of(idx, 4, ss));
            v = xv * cv + (j < half ? -xp : xp) * sv;
        } else {
            float sp = load<float>(s, sdt, offset_of(idx, 4, ss));  // sin at the partner position
            v = xv * cv + (j < half ? xp * sp : -xp * sp);
        }
        store<float>(out, odt, oo, v);
    }
}
