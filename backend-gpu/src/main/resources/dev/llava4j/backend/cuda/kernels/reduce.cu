// Reductions over chosen dimensions. Java splits x's dims into kept ("outer", the output's shape) and reduced
// ("inner") dims; one block computes one output element, its threads stride over the reduced elements and combine
// with warp shuffles. op: 0 sum, 1 max, 2 min, 3 prod (NaN propagates through max/min like the reference).
#include "common.cuh"

template <typename C>
__device__ void reduce_impl(int op, long long outer, Dims od, Strides oxs, long long inner, Dims id, Strides ixs,
                            const void* x, int xdt, void* out, int odt) {
    __shared__ C shm[32];
    int oidx[LL_MAX_RANK];
    int iidx[LL_MAX_RANK];
    for (long long o = blockIdx.x; o < outer; o += gridDim.x) {
        unravel(o, od, oidx);
        long long base = offset_of(oidx, od.rank, oxs);
        C acc = identity<C>(op);
        for (long long j = threadIdx.x; j < inner; j += blockDim.x) {
            unravel(j, id, iidx);
            acc = combine(op, acc, load<C>(x, xdt, base + offset_of(iidx, id.rank, ixs)));
        }
        acc = block_reduce(op, acc, shm);
        if (threadIdx.x == 0) {
            store<C>(out, odt, o, acc);
        }
    }
}

extern "C" __global__ void reduce_f32(int op, long long outer, Dims od, Strides oxs, long long inner, Dims id,
                                      Strides ixs, const void* x, int xdt, void* out, int odt) {
    reduce_impl<float>(op, outer, od, oxs, inner, id, ixs, x, xdt, out, odt);
}

extern "C" __global__ void reduce_f64(int op, long long outer, Dims od, Strides oxs, long long inner, Dims id,
                                      Strides ixs, const void* x, int xdt, void* out, int odt) {
    reduce_impl<double>(op, outer, od, oxs, inner, id, ixs, x, xdt, out, odt);
}

// Picks the better of two (value, index) candidates; index < 0 marks "no candidate". NaN wins (the first NaN, as
// the reference stops at it); otherwise the extreme value, ties going to the lower index.
__device__ __forceinline__ void arg_combine(bool is_max, double& v, long long& i, double v2, long long i2) {
    if (i2 < 0) {
        return;
    }
    if (i < 0) {
        v = v2;
        i = i2;
        return;
    }
    bool n1 = v != v;
    bool n2 = v2 != v2;
    bool take;
    if (n1 || n2) {
        take = n1 && n2 ? i2 < i : n2;
    } else {
        take = (is_max ? v2 > v : v2 < v) || (v2 == v && i2 < i);
    }
    if (take) {
        v = v2;
        i = i2;
    }
}

// values/indices are contiguous with one element per outer position; the reduced dim has length len, stride dstride.
extern "C" __global__ void arg_reduce(int is_max, long long outer, Dims od, Strides oxs, int len, int dstride,
                                      const void* x, int xdt, void* values, int vdt, void* indices, int idt) {
    __shared__ double sv[32];
    __shared__ long long si[32];
    int oidx[LL_MAX_RANK];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = (blockDim.x + 31) >> 5;
    for (long long o = blockIdx.x; o < outer; o += gridDim.x) {
        unravel(o, od, oidx);
        long long base = offset_of(oidx, od.rank, oxs);
        double best = 0;
        long long bi = -1;
        for (int j = threadIdx.x; j < len; j += blockDim.x) {
            arg_combine(is_max != 0, best, bi, load<double>(x, xdt, base + (long long) j * dstride), j);
        }
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) {
            double v2 = __shfl_xor_sync(LL_FULL_MASK, best, off);
            long long i2 = __shfl_xor_sync(LL_FULL_MASK, bi, off);
            arg_combine(is_max != 0, best, bi, v2, i2);
        }
        __syncthreads();
        if (lane == 0) {
            sv[warp] = best;
            si[warp] = bi;
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            for (int w = 1; w < warps; w++) {
                arg_combine(is_max != 0, best, bi, sv[w], si[w]);
            }
            store<double>(values, vdt, o, best);
            store_int(indices, idt, o, bi < 0 ? 0 : bi);
        }
    }
}
