// Gather/scatter kernels: index_select, index_add, gather, scatter_add. Out-of-range indices are recorded in the
// device error record (the element is skipped) and raised in Java at the next synchronisation. The adds use
// atomics, so summation order (and float rounding) may differ from run to run.
#include "common.cuh"

// Adds v to element i of a buffer of dtype dt. Java only launches this for F32, F64, F16, BF16, I32 and I64.
__device__ __forceinline__ void atomic_add(void* base, int dt, long long i, double v) {
    switch (dt) {
        case DT_F32: atomicAdd(((float*) base) + i, (float) v); break;
        case DT_F64: atomicAdd(((double*) base) + i, v); break;
        case DT_F16: atomicAdd(((__half*) base) + i, __float2half_rn((float) v)); break;
        case DT_BF16: atomicAdd(((__nv_bfloat16*) base) + i, __float2bfloat16_rn((float) v)); break;
        case DT_I32: atomicAdd(((int*) base) + i, (int) (long long) v); break;
        default: atomicAdd(((unsigned long long*) base) + i, (unsigned long long) (long long) v); break;  // DT_I64
    }
}

// out[..., i, ...] = src[..., index[i], ...]; od = out's shape, out contiguous.
extern "C" __global__ void index_select(long long n, Dims od, int dim, const void* src, int sdt, Strides ss,
                                        int src_size, const void* index, int idt, int istride, void* out, int odt,
                                        unsigned long long* err) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, od, idx);
        long long id = load_int(index, idt, (long long) idx[dim] * istride);
        if (id < 0 || id >= src_size) {
            report_index_error(err, ERR_INDEX_SELECT, id, src_size);
            continue;
        }
        idx[dim] = (int) id;
        store<double>(out, odt, i, load<double>(src, sdt, offset_of(idx, od.rank, ss)));
    }
}

// dst[..., index[i], ...] += src[..., i, ...]; sd = src's shape.
extern "C" __global__ void index_add(long long n, Dims sd, int dim, const void* src, int sdt, Strides ss,
                                     const void* index, int idt, int istride, void* dst, int ddt, Strides ds,
                                     int dst_size, unsigned long long* err) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, sd, idx);
        double v = load<double>(src, sdt, offset_of(idx, sd.rank, ss));
        long long id = load_int(index, idt, (long long) idx[dim] * istride);
        if (id < 0 || id >= dst_size) {
            report_index_error(err, ERR_INDEX_ADD, id, dst_size);
            continue;
        }
        idx[dim] = (int) id;
        atomic_add(dst, ddt, offset_of(idx, sd.rank, ds), v);
    }
}

// out[idx] = src[idx with dim replaced by index[idx]]; od = out's (= index's) shape.
extern "C" __global__ void gather(long long n, Dims od, int dim, const void* src, int sdt, Strides ss, int src_size,
                                  const void* index, int idt, Strides is, void* out, int odt, Strides os,
                                  unsigned long long* err) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, od, idx);
        long long id = load_int(index, idt, offset_of(idx, od.rank, is));
        long long oo = offset_of(idx, od.rank, os);
        if (id < 0 || id >= src_size) {
            report_index_error(err, ERR_GATHER, id, src_size);
            continue;
        }
        idx[dim] = (int) id;
        store<double>(out, odt, oo, load<double>(src, sdt, offset_of(idx, od.rank, ss)));
    }
}

// dst[idx with dim replaced by index[idx]] += src[idx]; sd = src's shape (index has it too).
extern "C" __global__ void scatter_add(long long n, Dims sd, int dim, const void* index, int idt, Strides is,
                                       const void* src, int sdt, Strides ss, void* dst, int ddt, Strides ds,
                                       int dst_size, unsigned long long* err) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, sd, idx);
        long long id = load_int(index, idt, offset_of(idx, sd.rank, is));
        double v = load<double>(src, sdt, offset_of(idx, sd.rank, ss));
        if (id < 0 || id >= dst_size) {
            report_index_error(err, ERR_SCATTER_ADD, id, dst_size);
            continue;
        }
        idx[dim] = (int) id;
        atomic_add(dst, ddt, offset_of(idx, sd.rank, ds), v);
    }
}
