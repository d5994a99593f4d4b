// Elementwise kernels over strided views: unary, binary, where, copy (with dtype conversion) and fill.
// Every operand is a (pointer, dtype, Strides) triple over one shared logical shape (Dims); broadcast operands
// have stride 0. The *_f32 variants compute in float, the *_f64 ones in double (chosen in Java when an operand is
// F64, I64 or I32 so that integers stay exact).
#include "common.cuh"

// UnaryOp codes (CudaKernels.unaryCode in Java must agree)
#define U_NEG 0
#define U_EXP 1
#define U_LOG 2
#define U_SQRT 3
#define U_RSQRT 4
#define U_TANH 5
#define U_SIGMOID 6
#define U_RELU 7
#define U_GELU 8
#define U_GELU_TANH 9
#define U_QUICK_GELU 10
#define U_SILU 11
#define U_ABS 12
#define U_SIN 13
#define U_COS 14
#define U_RECIPROCAL 15
#define U_SQUARE 16

// BinaryOp codes (CudaKernels.binaryCode in Java must agree)
#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_POW 4
#define B_MAX 5
#define B_MIN 6
#define B_EQ 7
#define B_NE 8
#define B_LT 9
#define B_LE 10
#define B_GT 11
#define B_GE 12
#define B_GELU_GRAD 13
#define B_GELU_TANH_GRAD 14
#define B_QUICK_GELU_GRAD 15
#define B_SILU_GRAD 16
#define B_RELU_GRAD 17

template <typename C> __device__ __forceinline__ C sigmoid(C x) { return (C) 1 / ((C) 1 + m_exp(-x)); }

template <typename C> __device__ __forceinline__ C gelu_tanh_inner(C x) {
    const C k = (C) 0.7978845608028654;  // sqrt(2 / pi)
    return k * (x + (C) 0.044715 * x * x * x);
}

template <typename C> __device__ C apply_unary(int op, C x) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return m_exp(x);
        case U_LOG: return m_log(x);
        case U_SQRT: return m_sqrt(x);
        case U_RSQRT: return (C) 1 / m_sqrt(x);
        case U_TANH: return m_tanh(x);
        case U_SIGMOID: return sigmoid(x);
        case U_RELU: return x > (C) 0 ? x : (C) 0;
        case U_GELU: return (C) 0.5 * x * ((C) 1 + m_erf(x * (C) 0.7071067811865476));
        case U_GELU_TANH: return (C) 0.5 * x * ((C) 1 + m_tanh(gelu_tanh_inner(x)));
        case U_QUICK_GELU: return x * sigmoid((C) 1.702 * x);
        case U_SILU: return x * sigmoid(x);
        case U_ABS: return m_abs(x);
        case U_SIN: return m_sin(x);
        case U_COS: return m_cos(x);
        case U_RECIPROCAL: return (C) 1 / x;
        default: return x * x;  // U_SQUARE
    }
}

// d f(x)/dx of the activations whose backward is fused (UnaryOp.derivative in Java)
template <typename C> __device__ C activation_derivative(int op, C x) {
    switch (op) {
        case B_GELU_GRAD:
            return (C) 0.5 * ((C) 1 + m_erf(x * (C) 0.7071067811865476))
                    + x * m_exp((C) -0.5 * x * x) * (C) 0.3989422804014327;  // 1/sqrt(2 pi)
        case B_GELU_TANH_GRAD: {
            C t = m_tanh(gelu_tanh_inner(x));
            return (C) 0.5 * ((C) 1 + t)
                    + (C) 0.5 * x * ((C) 1 - t * t) * (C) 0.7978845608028654 * ((C) 1 + (C) 3 * (C) 0.044715 * x * x);
        }
        case B_QUICK_GELU_GRAD: {
            C s = sigmoid((C) 1.702 * x);
            return s + (C) 1.702 * x * s * ((C) 1 - s);
        }
        default: {  // B_SILU_GRAD
            C s = sigmoid(x);
            return s * ((C) 1 + x * ((C) 1 - s));
        }
    }
}

template <typename C> __device__ C apply_binary(int op, C a, C b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return m_pow(a, b);
        case B_MAX: return nan_max(a, b);
        case B_MIN: return nan_min(a, b);
        case B_EQ: return a == b ? (C) 1 : (C) 0;
        case B_NE: return a != b ? (C) 1 : (C) 0;
        case B_LT: return a < b ? (C) 1 : (C) 0;
        case B_LE: return a <= b ? (C) 1 : (C) 0;
        case B_GT: return a > b ? (C) 1 : (C) 0;
        case B_GE: return a >= b ? (C) 1 : (C) 0;
        case B_RELU_GRAD: return a > (C) 0 ? b : (C) 0;
        default: return b * activation_derivative(op, a);  // the other *_GRAD ops: (x, upstream)
    }
}

template <typename C>
__device__ void unary_impl(int op, long long n, Dims d, const void* x, int xdt, Strides xs, void* out, int odt, Strides os) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, d, idx);
        C v = load<C>(x, xdt, offset_of(idx, d.rank, xs));
        store<C>(out, odt, offset_of(idx, d.rank, os), apply_unary(op, v));
    }
}

template <typename C>
__device__ void binary_impl(int op, long long n, Dims d, const void* a, int adt, Strides as, const void* b, int bdt,
                            Strides bs, void* out, int odt, Strides os) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, d, idx);
        C va = load<C>(a, adt, offset_of(idx, d.rank, as));
        C vb = load<C>(b, bdt, offset_of(idx, d.rank, bs));
        store<C>(out, odt, offset_of(idx, d.rank, os), apply_binary(op, va, vb));
    }
}

template <typename C>
__device__ void where_impl(long long n, Dims d, const void* c, int cdt, Strides cs, const void* a, int adt, Strides as,
                           const void* b, int bdt, Strides bs, void* out, int odt, Strides os) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, d, idx);
        bool take = load<double>(c, cdt, offset_of(idx, d.rank, cs)) != 0.0;
        C v = take ? load<C>(a, adt, offset_of(idx, d.rank, as)) : load<C>(b, bdt, offset_of(idx, d.rank, bs));
        store<C>(out, odt, offset_of(idx, d.rank, os), v);
    }
}

extern "C" __global__ void unary_f32(int op, long long n, Dims d, const void* x, int xdt, Strides xs, void* out, int odt,
                                     Strides os) {
    unary_impl<float>(op, n, d, x, xdt, xs, out, odt, os);
}

extern "C" __global__ void unary_f64(int op, long long n, Dims d, const void* x, int xdt, Strides xs, void* out, int odt,
                                     Strides os) {
    unary_impl<double>(op, n, d, x, xdt, xs, out, odt, os);
}

extern "C" __global__ void binary_f32(int op, long long n, Dims d, const void* a, int adt, Strides as, const void* b,
                                      int bdt, Strides bs, void* out, int odt, Strides os) {
    binary_impl<float>(op, n, d, a, adt, as, b, bdt, bs, out, odt, os);
}

extern "C" __global__ void binary_f64(int op, long long n, Dims d, const void* a, int adt, Strides as, const void* b,
                                      int bdt, Strides bs, void* out, int odt, Strides os) {
    binary_impl<double>(op, n, d, a, adt, as, b, bdt, bs, out, odt, os);
}

extern "C" __global__ void where_f32(long long n, Dims d, const void* c, int cdt, Strides cs, const void* a, int adt,
                                     Strides as, const void* b, int bdt, Strides bs, void* out, int odt, Strides os) {
    where_impl<float>(n, d, c, cdt, cs, a, adt, as, b, bdt, bs, out, odt, os);
}

extern "C" __global__ void where_f64(long long n, Dims d, const void* c, int cdt, Strides cs, const void* a, int adt,
                                     Strides as, const void* b, int bdt, Strides bs, void* out, int odt, Strides os) {
    where_impl<double>(n, d, c, cdt, cs, a, adt, as, b, bdt, bs, out, odt, os);
}

// Copy with conversion through double (floating source or destination).
extern "C" __global__ void copy_float(long long n, Dims d, const void* src, int sdt, Strides ss, void* dst, int ddt,
                                      Strides ds) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, d, idx);
        store<double>(dst, ddt, offset_of(idx, d.rank, ds), load<double>(src, sdt, offset_of(idx, d.rank, ss)));
    }
}

// Integer to integer copy: exact for every I64 value.
extern "C" __global__ void copy_int(long long n, Dims d, const void* src, int sdt, Strides ss, void* dst, int ddt,
                                    Strides ds) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, d, idx);
        store_int(dst, ddt, offset_of(idx, d.rank, ds), load_int(src, sdt, offset_of(idx, d.rank, ss)));
    }
}

extern "C" __global__ void fill(long long n, Dims d, void* out, int odt, Strides os, double value) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(i, n) {
        unravel(i, d, idx);
        store<double>(out, odt, offset_of(idx, d.rank, os), value);
    }
}
