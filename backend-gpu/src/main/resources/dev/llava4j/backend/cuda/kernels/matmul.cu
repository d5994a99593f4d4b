// Fallback batched matmul for dtype combinations cuBLAS does not take (integers, mixed integer/float): one thread
// per output element, accumulated in double. bd = batch shape; a/b/out batch strides per operand; the last two
// dims have explicit strides. The fast path is cuBLAS (CublasGemm in Java).
#include "common.cuh"

extern "C" __global__ void matmul_generic(long long n, Dims bd, int m, int nn, int k, const void* a, int adt,
                                          Strides abs_, int as_m, int as_k, const void* b, int bdt, Strides bbs,
                                          int bs_k, int bs_n, void* out, int odt, Strides obs, int os_m, int os_n) {
    int idx[LL_MAX_RANK];
    GRID_STRIDE_LOOP(e, n) {
        long long mn = (long long) m * nn;
        long long batch = e / mn;
        int i = (int) ((e % mn) / nn);
        int j = (int) (e % nn);
        unravel(batch, bd, idx);
        long long ao = offset_of(idx, bd.rank, abs_) + (long long) i * as_m;
        long long bo = offset_of(idx, bd.rank, bbs) + (long long) j * bs_n;
        double acc = 0;
        for (int p = 0; p < k; p++) {
            acc += load<double>(a, adt, ao + (long long) p * as_k) * load<double>(b, bdt, bo + (long long) p * bs_k);
        }
        store<double>(out, odt, offset_of(idx, bd.rank, obs) + (long long) i * os_m + (long long) j * os_n, acc);
    }
}
