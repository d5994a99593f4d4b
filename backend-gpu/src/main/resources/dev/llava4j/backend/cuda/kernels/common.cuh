// Shared definitions of the llava4j CUDA kernels: dtype codes, typed loads/stores, strided index math,
// warp/block reductions and the device-side error record. Compiled by NVRTC at run time (this header is passed
// to nvrtcCreateProgram under the name "common.cuh") and by nvcc in the compile-check test.
#pragma once
#include <cuda_fp16.h>
#include <cuda_bf16.h>

// Element type codes; CudaKernels.dtypeCode(DType) in Java must agree.
#define DT_F32 0
#define DT_F16 1
#define DT_BF16 2
#define DT_F64 3
#define DT_I64 4
#define DT_I32 5
#define DT_I16 6
#define DT_I8 7
#define DT_U8 8
#define DT_BOOL 9

#define LL_MAX_RANK 8
#define LL_FULL_MASK 0xffffffffu

// A logical shape (rank <= 8). Passed by value: 36 bytes, 4-byte aligned, written by KernelArgs.dims in Java.
struct Dims {
    int rank;
    int size[LL_MAX_RANK];
};

// Element strides of one operand for the dims of a Dims (the base pointer already points at the view's offset).
struct Strides {
    int s[LL_MAX_RANK];
};

__device__ __forceinline__ float ll_inf_f() { return __int_as_float(0x7f800000); }
__device__ __forceinline__ double ll_inf_d() { return __longlong_as_double(0x7ff0000000000000LL); }

// ---------------------------------------------------------------- math overloads for the compute type

__device__ __forceinline__ float m_exp(float x) { return expf(x); }
__device__ __forceinline__ double m_exp(double x) { return exp(x); }
__device__ __forceinline__ float m_log(float x) { return logf(x); }
__device__ __forceinline__ double m_log(double x) { return log(x); }
__device__ __forceinline__ float m_sqrt(float x) { return sqrtf(x); }
__device__ __forceinline__ double m_sqrt(double x) { return sqrt(x); }
__device__ __forceinline__ float m_tanh(float x) { return tanhf(x); }
__device__ __forceinline__ double m_tanh(double x) { return tanh(x); }
__device__ __forceinline__ float m_erf(float x) { return erff(x); }
__device__ __forceinline__ double m_erf(double x) { return erf(x); }
__device__ __forceinline__ float m_sin(float x) { return sinf(x); }
__device__ __forceinline__ double m_sin(double x) { return sin(x); }
__device__ __forceinline__ float m_cos(float x) { return cosf(x); }
__device__ __forceinline__ double m_cos(double x) { return cos(x); }
__device__ __forceinline__ float m_pow(float a, float b) { return powf(a, b); }
__device__ __forceinline__ double m_pow(double a, double b) { return pow(a, b); }
__device__ __forceinline__ float m_abs(float x) { return fabsf(x); }
__device__ __forceinline__ double m_abs(double x) { return fabs(x); }

// max/min that propagate NaN like the reference backend (fmaxf would drop it)
template <typename C> __device__ __forceinline__ C nan_max(C a, C b) { return (a != a || b != b) ? (a != a ? a : b) : (a > b ? a : b); }
template <typename C> __device__ __forceinline__ C nan_min(C a, C b) { return (a != a || b != b) ? (a != a ? a : b) : (a < b ? a : b); }

// ---------------------------------------------------------------- typed element access

// Reads element i of a buffer of dtype dt as the compute type C (float or double).
template <typename C>
__device__ __forceinline__ C load(const void* base, int dt, long long i) {
    switch (dt) {
        case DT_F32: return (C) ((const float*) base)[i];
        case DT_F16: return (C) __half2float(((const __half*) base)[i]);
        case DT_BF16: return (C) __bfloat162float(((const __nv_bfloat16*) base)[i]);
        case DT_F64: return (C) ((const double*) base)[i];
        case DT_I64: return (C) ((const long long*) base)[i];
        case DT_I32: return (C) ((const int*) base)[i];
        case DT_I16: return (C) ((const short*) base)[i];
        case DT_I8: return (C) ((const signed char*) base)[i];
        case DT_U8: return (C) ((const unsigned char*) base)[i];
        default: return ((const unsigned char*) base)[i] != 0 ? (C) 1 : (C) 0;
    }
}

// Stores like the reference backend: floats round to nearest even, integers truncate toward zero, BOOL = (v != 0).
template <typename C>
__device__ __forceinline__ void store(void* base, int dt, long long i, C v) {
    switch (dt) {
        case DT_F32: ((float*) base)[i] = (float) v; break;
        case DT_F16: ((__half*) base)[i] = __float2half_rn((float) v); break;
        case DT_BF16: ((__nv_bfloat16*) base)[i] = __float2bfloat16_rn((float) v); break;
        case DT_F64: ((double*) base)[i] = (double) v; break;
        case DT_I64: ((long long*) base)[i] = (long long) v; break;
        case DT_I32: ((int*) base)[i] = (int) (long long) v; break;
        case DT_I16: ((short*) base)[i] = (short) (long long) v; break;
        case DT_I8:
        case DT_U8: ((unsigned char*) base)[i] = (unsigned char) (long long) v; break;
        default: ((unsigned char*) base)[i] = v != (C) 0 ? 1 : 0; break;
    }
}

// Exact integer access (ids, labels, integer copies), never through floating point.
__device__ __forceinline__ long long load_int(const void* base, int dt, long long i) {
    switch (dt) {
        case DT_I64: return ((const long long*) base)[i];
        case DT_I32: return ((const int*) base)[i];
        case DT_I16: return ((const short*) base)[i];
        case DT_I8: return ((const signed char*) base)[i];
        case DT_U8: return ((const unsigned char*) base)[i];
        case DT_BOOL: return ((const unsigned char*) base)[i] != 0 ? 1 : 0;
        default: return (long long) load<double>(base, dt, i);
    }
}

__device__ __forceinline__ void store_int(void* base, int dt, long long i, long long v) {
    switch (dt) {
        case DT_I64: ((long long*) base)[i] = v; break;
        case DT_I32: ((int*) base)[i] = (int) v; break;
        case DT_I16: ((short*) base)[i] = (short) v; break;
        case DT_I8:
        case DT_U8: ((unsigned char*) base)[i] = (unsigned char) v; break;
        case DT_BOOL: ((unsigned char*) base)[i] = v != 0 ? 1 : 0; break;
        default: store<double>(base, dt, i, (double) v); break;
    }
}

// ---------------------------------------------------------------- strided index math

// Splits a row-major linear index into per-dimension indices of d.
__device__ __forceinline__ void unravel(long long linear, const Dims& d, int idx[LL_MAX_RANK]) {
#pragma unroll
    for (int k = LL_MAX_RANK - 1; k >= 0; k--) {
        if (k < d.rank) {
            int size = d.size[k];
            idx[k] = (int) (linear % size);
            linear /= size;
        } else {
            idx[k] = 0;
        }
    }
}

__device__ __forceinline__ long long offset_of(const int idx[LL_MAX_RANK], int rank, const Strides& s) {
    long long off = 0;
#pragma unroll
    for (int k = 0; k < LL_MAX_RANK; k++) {
        if (k < rank) {
            off += (long long) idx[k] * s.s[k];
        }
    }
    return off;
}

#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long) gridDim.x * blockDim.x)

// ---------------------------------------------------------------- reductions (blockDim.x a multiple of 32, <= 1024)

template <typename C> __device__ __forceinline__ C warp_sum(C v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(LL_FULL_MASK, v, o);
    }
    return v;
}

template <typename C> __device__ __forceinline__ C warp_max(C v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v = nan_max(v, __shfl_xor_sync(LL_FULL_MASK, v, o));
    }
    return v;
}

// Combines partial values of a block; every thread gets the result. shm needs 32 elements of C.
// op: 0 sum, 1 max, 2 min, 3 prod.
template <typename C> __device__ __forceinline__ C combine(int op, C a, C b) {
    switch (op) {
        case 0: return a + b;
        case 1: return nan_max(a, b);
        case 2: return nan_min(a, b);
        default: return a * b;
    }
}

template <typename C> __device__ __forceinline__ C identity(int op) {
    switch (op) {
        case 0: return (C) 0;
        case 1: return (C) -ll_inf_d();
        case 2: return (C) ll_inf_d();
        default: return (C) 1;
    }
}

template <typename C> __device__ __forceinline__ C warp_reduce(int op, C v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v = combine(op, v, __shfl_xor_sync(LL_FULL_MASK, v, o));
    }
    return v;
}

template <typename C> __device__ __forceinline__ C block_reduce(int op, C v, C* shm) {
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = (blockDim.x + 31) >> 5;
    v = warp_reduce(op, v);
    __syncthreads();  // shm may still be read by a previous call
    if (lane == 0) {
        shm[warp] = v;
    }
    __syncthreads();
    if (warp == 0) {
        C w = lane < warps ? shm[lane] : identity<C>(op);
        w = warp_reduce(op, w);
        if (lane == 0) {
            shm[0] = w;
        }
    }
    __syncthreads();
    return shm[0];
}

template <typename C> __device__ __forceinline__ C block_sum(C v, C* shm) { return block_reduce(0, v, shm); }
template <typename C> __device__ __forceinline__ C block_max(C v, C* shm) { return block_reduce(1, v, shm); }

// ---------------------------------------------------------------- device-side errors

// err[0] = op code of the first failure (0 = none), err[1] = offending value, err[2] = valid size.
// Read back by CudaContext.checkDeviceErrors() at the next synchronisation.
__device__ __forceinline__ void report_index_error(unsigned long long* err, int op, long long value, long long size) {
    if (atomicCAS(err, 0ULL, (unsigned long long) op) == 0ULL) {
        err[1] = (unsigned long long) value;
        err[2] = (unsigned long long) size;
    }
}

#define ERR_INDEX_SELECT 1
#define ERR_INDEX_ADD 2
#define ERR_GATHER 3
#define ERR_SCATTER_ADD 4
#define ERR_CROSS_ENTROPY 5
