// Flash-style scaled dot-product attention, forward and backward, never materialising the [Tq, Tk] score matrix.
// q [B, H, Tq, D], k [B, Hkv, Tk, D], v [B, Hkv, Tk, Dv] with any strides (Strides s[0..3] = b, h, t, d);
// H % Hkv == 0 (query head h reads kv head h / (H / Hkv)). mask: null or an additive float view of shape
// [B, H, Tq, Tk] (stride 0 where broadcast). causal masks key j > i + (Tk - Tq). lse [B, H, Tq] contiguous.
// Rows whose keys are all masked give out = 0 and lse = -inf (the reference's convention).
//
// Layout of the work: a block of ATT_WARPS warps shares K/V (or Q/dO) tiles of ATT_TILE rows in shared memory.
// For scores a lane owns one key (one query in the dK/dV kernel) and does the whole dot product from shared
// memory; for the weighted sums a lane owns output dims lane, lane+32, ... (D, Dv <= ATT_MAX_D). Math in float.
#include "common.cuh"

#define ATT_WARPS 4
#define ATT_TILE 32
#define ATT_MAX_D 256
#define ATT_REGS (ATT_MAX_D / 32)

struct AttnShape {
    int batch;
    int heads;
    int kv_heads;
    int tq;
    int tk;
    int d;
    int dv;
    int causal;
};

__device__ __forceinline__ long long at4(const Strides& s, int b, int h, int t, int c) {
    return (long long) b * s.s[0] + (long long) h * s.s[1] + (long long) t * s.s[2] + (long long) c * s.s[3];
}

__device__ __forceinline__ bool key_visible(const AttnShape& a, int i, int j) {
    return j < a.tk && !(a.causal && j > i + (a.tk - a.tq));
}

// Raw (scaled, masked) score of query row qrow (in shared memory) against the key row krow (shared, stride 1).
__device__ __forceinline__ float score(const float* qrow, const float* krow, int d, float scale, const void* mask,
                                       int mdt, const Strides& ms, int b, int h, int i, int j) {
    float dot = 0;
    for (int c = 0; c < d; c++) {
        dot += qrow[c] * krow[c];
    }
    float s = dot * scale;
    if (mask != nullptr) {
        s += load<float>(mask, mdt, at4(ms, b, h, i, j));
    }
    return s;
}

// Loads rows t0 .. t0+ATT_TILE-1 of head h of a [B, heads, T, width] tensor into tile[row * pitch + c]; rows past
// the end are zero.
__device__ __forceinline__ void load_tile(float* tile, int pitch, const void* src, int dt, const Strides& s, int b,
                                          int h, int t0, int t_len, int width) {
    for (int e = threadIdx.x; e < ATT_TILE * width; e += blockDim.x) {
        int row = e / width;
        int c = e % width;
        int t = t0 + row;
        tile[row * pitch + c] = t < t_len ? load<float>(src, dt, at4(s, b, h, t, c)) : 0.0f;
    }
}

// grid (ceil(Tq / ATT_WARPS), H, B), block 32 * ATT_WARPS, dynamic shared memory
// (ATT_TILE * (D + 1) + ATT_TILE * Dv + ATT_WARPS * D) floats.
extern "C" __global__ void attn_fwd(AttnShape a, float scale, const void* q, int qdt, Strides qs, const void* k,
                                    int kdt, Strides ks, const void* v, int vdt, Strides vs, const void* mask,
                                    int mdt, Strides ms, void* out, int odt, Strides os, void* lse, int ldt) {
    extern __shared__ float smem[];
    float* kt = smem;                                // [ATT_TILE][D + 1]
    float* vt = kt + ATT_TILE * (a.d + 1);           // [ATT_TILE][Dv]
    float* qrows = vt + ATT_TILE * a.dv;             // [ATT_WARPS][D]
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int b = blockIdx.z;
    int h = blockIdx.y;
    int kh = h / (a.heads / a.kv_heads);
    int i = blockIdx.x * ATT_WARPS + warp;
    bool active = i < a.tq;
    float* qrow = qrows + warp * a.d;
    for (int c = lane; c < a.d; c += 32) {
        qrow[c] = active ? load<float>(q, qdt, at4(qs, b, h, i, c)) : 0.0f;
    }
    float acc[ATT_REGS];
#pragma unroll
    for (int r = 0; r < ATT_REGS; r++) {
        acc[r] = 0.0f;
    }
    float m = -ll_inf_f();
    float l = 0.0f;
    int last_row = min(a.tq - 1, (int) (blockIdx.x * ATT_WARPS + ATT_WARPS - 1));
    int key_end = a.causal ? min(a.tk, last_row + (a.tk - a.tq) + 1) : a.tk;
    for (int j0 = 0; j0 < key_end; j0 += ATT_TILE) {
        __syncthreads();  // the previous tile is no longer read
        load_tile(kt, a.d + 1, k, kdt, ks, b, kh, j0, a.tk, a.d);
        load_tile(vt, a.dv, v, vdt, vs, b, kh, j0, a.tk, a.dv);
        __syncthreads();
        if (!active) {
            continue;
        }
        int j = j0 + lane;
        float s = key_visible(a, i, j)
                ? score(qrow, kt + lane * (a.d + 1), a.d, scale, mask, mdt, ms, b, h, i, j) : -ll_inf_f();
        float m_new = fmaxf(m, warp_max(s));
        float p = m_new == -ll_inf_f() ? 0.0f : expf(s - m_new);
        float corr = m_new == -ll_inf_f() ? 1.0f : expf(m - m_new);
        l = l * corr + warp_sum(p);
#pragma unroll
        for (int r = 0; r < ATT_REGS; r++) {
            acc[r] *= corr;
        }
        int tile_len = min(ATT_TILE, a.tk - j0);
        for (int jj = 0; jj < tile_len; jj++) {
            float pj = __shfl_sync(LL_FULL_MASK, p, jj);
            if (pj != 0.0f) {
#pragma unroll
                for (int r = 0; r < ATT_REGS; r++) {
                    int c = lane + 32 * r;
                    if (c < a.dv) {
                        acc[r] += pj * vt[jj * a.dv + c];
                    }
                }
            }
        }
        m = m_new;
    }
    if (!active) {
        return;
    }
    bool empty = l == 0.0f;
#pragma unroll
    for (int r = 0; r < ATT_REGS; r++) {
        int c = lane + 32 * r;
        if (c < a.dv) {
            store<float>(out, odt, at4(os, b, h, i, c), empty ? 0.0f : acc[r] / l);
        }
    }
    if (lane == 0) {
        store<float>(lse, ldt, ((long long) b * a.heads + h) * a.tq + i, empty ? -ll_inf_f() : m + logf(l));
    }
}

// delta[row] = sum_c dOut[row, c] * out[row, c], one warp per (b, h, i) row; delta is F32 [B * H * Tq].
extern "C" __global__ void attn_bwd_delta(AttnShape a, const void* out, int odt, Strides os, const void* gout,
                                          int gdt, Strides gs, float* delta) {
    int lane = threadIdx.x & 31;
    long long row = (long long) blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    long long rows = (long long) a.batch * a.heads * a.tq;
    if (row >= rows) {
        return;
    }
    int i = (int) (row % a.tq);
    int h = (int) ((row / a.tq) % a.heads);
    int b = (int) (row / ((long long) a.tq * a.heads));
    float s = 0;
    for (int c = lane; c < a.dv; c += 32) {
        s += load<float>(gout, gdt, at4(gs, b, h, i, c)) * load<float>(out, odt, at4(os, b, h, i, c));
    }
    s = warp_sum(s);
    if (lane == 0) {
        delta[row] = s;
    }
}

// dQ: grid (ceil(Tq / ATT_WARPS), H, B); dynamic shared memory
// (ATT_TILE * (D + 1) + ATT_TILE * (Dv + 1) + ATT_WARPS * (D + Dv)) floats.
extern "C" __global__ void attn_bwd_dq(AttnShape a, float scale, const void* q, int qdt, Strides qs, const void* k,
                                       int kdt, Strides ks, const void* v, int vdt, Strides vs, const void* mask,
                                       int mdt, Strides ms, const void* gout, int gdt, Strides gs, const void* lse,
                                       int ldt, const float* delta, void* gq, int gqdt, Strides gqs) {
    extern __shared__ float smem[];
    float* kt = smem;                                // [ATT_TILE][D + 1]
    float* vt = kt + ATT_TILE * (a.d + 1);           // [ATT_TILE][Dv + 1]
    float* qrows = vt + ATT_TILE * (a.dv + 1);       // [ATT_WARPS][D]
    float* grows = qrows + ATT_WARPS * a.d;          // [ATT_WARPS][Dv]
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int b = blockIdx.z;
    int h = blockIdx.y;
    int kh = h / (a.heads / a.kv_heads);
    int i = blockIdx.x * ATT_WARPS + warp;
    bool active = i < a.tq;
    float* qrow = qrows + warp * a.d;
    float* grow = grows + warp * a.dv;
    for (int c = lane; c < a.d; c += 32) {
        qrow[c] = active ? load<float>(q, qdt, at4(qs, b, h, i, c)) : 0.0f;
    }
    for (int c = lane; c < a.dv; c += 32) {
        grow[c] = active ? load<float>(gout, gdt, at4(gs, b, h, i, c)) : 0.0f;
    }
    long long row = ((long long) b * a.heads + h) * a.tq + i;
    float row_lse = active ? load<float>(lse, ldt, row) : -ll_inf_f();
    float row_delta = active ? delta[row] : 0.0f;
    bool live = active && row_lse != -ll_inf_f();
    float acc[ATT_REGS];
#pragma unroll
    for (int r = 0; r < ATT_REGS; r++) {
        acc[r] = 0.0f;
    }
    int last_row = min(a.tq - 1, (int) (blockIdx.x * ATT_WARPS + ATT_WARPS - 1));
    int key_end = a.causal ? min(a.tk, last_row + (a.tk - a.tq) + 1) : a.tk;
    for (int j0 = 0; j0 < key_end; j0 += ATT_TILE) {
        __syncthreads();
        load_tile(kt, a.d + 1, k, kdt, ks, b, kh, j0, a.tk, a.d);
        load_tile(vt, a.dv + 1, v, vdt, vs, b, kh, j0, a.tk, a.dv);
        __syncthreads();
        if (!live) {
            continue;
        }
        int j = j0 + lane;
        float ds = 0.0f;
        if (key_visible(a, i, j)) {
            float s = score(qrow, kt + lane * (a.d + 1), a.d, scale, mask, mdt, ms, b, h, i, j);
            float p = expf(s - row_lse);
            float dp = 0;
            const float* vrow = vt + lane * (a.dv + 1);
            for (int c = 0; c < a.dv; c++) {
                dp += grow[c] * vrow[c];
            }
            ds = p * (dp - row_delta) * scale;
        }
        int tile_len = min(ATT_TILE, a.tk - j0);
        for (int jj = 0; jj < tile_len; jj++) {
            float dsj = __shfl_sync(LL_FULL_MASK, ds, jj);
            if (dsj != 0.0f) {
#pragma unroll
                for (int r = 0; r < ATT_REGS; r++) {
                    int c = lane + 32 * r;
                    if (c < a.d) {
                        acc[r] += dsj * kt[jj * (a.d + 1) + c];
                    }
                }
            }
        }
    }
    if (!active) {
        return;
    }
#pragma unroll
    for (int r = 0; r < ATT_REGS; r++) {
        int c = lane + 32 * r;
        if (c < a.d) {
            store<float>(gq, gqdt, at4(gqs, b, h, i, c), acc[r]);
        }
    }
}

// dK, dV: one warp owns one key row j of kv head kh and sums over every query row of every query head in its group,
// so no atomics are needed. grid (ceil(Tk / ATT_WARPS), Hkv, B); dynamic shared memory
// (ATT_TILE * (D + 1) + ATT_TILE * (Dv + 1) + ATT_WARPS * (D + Dv) + 2 * ATT_TILE) floats.
extern "C" __global__ void attn_bwd_dkv(AttnShape a, float scale, const void* q, int qdt, Strides qs, const void* k,
                                        int kdt, Strides ks, const void* v, int vdt, Strides vs, const void* mask,
                                        int mdt, Strides ms, const void* gout, int gdt, Strides gs, const void* lse,
                                        int ldt, const float* delta, void* gk, int gkdt, Strides gks, void* gv,
                                        int gvdt, Strides gvs) {
    extern __shared__ float smem[];
    float* qt = smem;                                // [ATT_TILE][D + 1]
    float* gt = qt + ATT_TILE * (a.d + 1);           // [ATT_TILE][Dv + 1]
    float* krows = gt + ATT_TILE * (a.dv + 1);       // [ATT_WARPS][D]
    float* vrows = krows + ATT_WARPS * a.d;          // [ATT_WARPS][Dv]
    float* lse_t = vrows + ATT_WARPS * a.dv;         // [ATT_TILE]
    float* delta_t = lse_t + ATT_TILE;               // [ATT_TILE]
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int b = blockIdx.z;
    int kh = blockIdx.y;
    int group = a.heads / a.kv_heads;
    int j = blockIdx.x * ATT_WARPS + warp;
    bool active = j < a.tk;
    float* krow = krows + warp * a.d;
    float* vrow = vrows + warp * a.dv;
    for (int c = lane; c < a.d; c += 32) {
        krow[c] = active ? load<float>(k, kdt, at4(ks, b, kh, j, c)) : 0.0f;
    }
    for (int c = lane; c < a.dv; c += 32) {
        vrow[c] = active ? load<float>(v, vdt, at4(vs, b, kh, j, c)) : 0.0f;
    }
    float acc_k[ATT_REGS];
    float acc_v[ATT_REGS];
#pragma unroll
    for (int r = 0; r < ATT_REGS; r++) {
        acc_k[r] = 0.0f;
        acc_v[r] = 0.0f;
    }
    // with a causal mask, query i sees key j only when i >= j - (Tk - Tq): earlier query tiles are skipped
    int first_key = blockIdx.x * ATT_WARPS;
    int query_start = a.causal ? max(0, first_key - (a.tk - a.tq)) : 0;
    for (int hq = kh * group; hq < (kh + 1) * group; hq++) {
        for (int i0 = query_start; i0 < a.tq; i0 += ATT_TILE) {
            __syncthreads();
            load_tile(qt, a.d + 1, q, qdt, qs, b, hq, i0, a.tq, a.d);
            load_tile(gt, a.dv + 1, gout, gdt, gs, b, hq, i0, a.tq, a.dv);
            for (int e = threadIdx.x; e < ATT_TILE; e += blockDim.x) {
                int i = i0 + e;
                long long row = ((long long) b * a.heads + hq) * a.tq + i;
                lse_t[e] = i < a.tq ? load<float>(lse, ldt, row) : -ll_inf_f();
                delta_t[e] = i < a.tq ? delta[row] : 0.0f;
            }
            __syncthreads();
            if (!active) {
                continue;
            }
            int i = i0 + lane;
            float p = 0.0f;
            float ds = 0.0f;
            if (i < a.tq && lse_t[lane] != -ll_inf_f() && key_visible(a, i, j)) {
                float s = score(qt + lane * (a.d + 1), krow, a.d, scale, mask, mdt, ms, b, hq, i, j);
                p = expf(s - lse_t[lane]);
                float dp = 0;
                const float* grow = gt + lane * (a.dv + 1);
                for (int c = 0; c < a.dv; c++) {
                    dp += grow[c] * vrow[c];
                }
                ds = p * (dp - delta_t[lane]) * scale;
            }
            int tile_len = min(ATT_TILE, a.tq - i0);
            for (int ii = 0; ii < tile_len; ii++) {
                float pi = __shfl_sync(LL_FULL_MASK, p, ii);
                float dsi = __shfl_sync(LL_FULL_MASK, ds, ii);
                if (pi != 0.0f) {
#pragma unroll
                    for (int r = 0; r < ATT_REGS; r++) {
                        int c = lane + 32 * r;
                        if (c < a.dv) {
                            acc_v[r] += pi * gt[ii * (a.dv + 1) + c];
                        }
                        if (c < a.d) {
                            acc_k[r] += dsi * qt[ii * (a.d + 1) + c];
                        }
                    }
                }
            }
        }
    }
    if (!active) {
        return;
    }
#pragma unroll
    for (int r = 0; r < ATT_REGS; r++) {
        int c = lane + 32 * r;
        if (c < a.d) {
            store<float>(gk, gkdt, at4(gks, b, kh, j, c), acc_k[r]);
        }
        if (c < a.dv) {
            store<float>(gv, gvdt, at4(gvs, b, kh, j, c), acc_v[r]);
        }
    }
}
