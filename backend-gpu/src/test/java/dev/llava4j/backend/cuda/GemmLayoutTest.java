package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How matrix views map onto cuBLAS arguments, and which dtype a product computes in. */
class GemmLayoutTest {

    @Test
    void rowMajorIsPassedUntransposed() {
        assertEquals(new GemmLayout(false, 31), GemmLayout.of(33, 31, 31, 1));
        assertEquals(new GemmLayout(false, 64), GemmLayout.of(8, 31, 64, 1), "padded rows keep their pitch");
    }

    @Test
    void transposedViewIsPassedWithOpT() {
        // x.mT() of a contiguous [31, 33]: shape [33, 31], strides (1, 33)
        assertEquals(new GemmLayout(true, 33), GemmLayout.of(33, 31, 1, 33));
    }

    @Test
    void sizeOneDimsIgnoreTheirStride() {
        assertEquals(new GemmLayout(false, 1000), GemmLayout.of(1, 1000, 0, 1), "a single row");
        assertEquals(new GemmLayout(false, 7), GemmLayout.of(7, 1, 7, 123), "a single column");
        assertEquals(new GemmLayout(false, 1), GemmLayout.of(1, 1, 0, 0));
    }

    @Test
    void viewsCuBlasCannotReadNeedACopy() {
        assertNull(GemmLayout.of(4, 5, 10, 2), "both strides non-unit");
        assertNull(GemmLayout.of(4, 5, 0, 1), "broadcast rows (ld 0)");
        assertNull(GemmLayout.of(4, 5, 3, 1), "overlapping rows (ld < cols)");
    }

    @Test
    void computeTypes() {
        assertEquals(DType.F32, CudaMatmul.gemmType(DType.F32, DType.F32, DType.F32, false));
        assertEquals(DType.BF16, CudaMatmul.gemmType(DType.BF16, DType.BF16, DType.BF16, false));
        assertEquals(DType.BF16, CudaMatmul.gemmType(DType.F32, DType.BF16, DType.F32, false), "fast: round activations");
        assertEquals(DType.F32, CudaMatmul.gemmType(DType.F32, DType.BF16, DType.F32, true), "highest: widen weights");
        assertEquals(DType.F16, CudaMatmul.gemmType(DType.F16, DType.F32, DType.F32, false));
        assertEquals(DType.F32, CudaMatmul.gemmType(DType.F16, DType.BF16, DType.F32, false));
        assertEquals(DType.F64, CudaMatmul.gemmType(DType.F64, DType.F64, DType.F64, false));
        assertNull(CudaMatmul.gemmType(DType.F64, DType.F32, DType.F64, false), "mixed F64: generic kernel");
        assertNull(CudaMatmul.gemmType(DType.I64, DType.I64, DType.I64, false), "integers: generic kernel");
        assertEquals(DType.F32, CudaMatmul.resultType(DType.F32, DType.F32));
        assertEquals(DType.BF16, CudaMatmul.resultType(DType.BF16, DType.BF16));
        assertEquals(DType.F32, CudaMatmul.resultType(DType.BF16, DType.F32));
        assertEquals(DType.F32, CudaMatmul.resultType(DType.BF16, DType.F16), "other outputs go through F32");
    }
}
