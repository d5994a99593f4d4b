package dev.llava4j.backend.cpu.kernel;

/** Storage type of a matrix operand the kernels read; computation is always F32. */
public enum ElementType {
    F32(4),
    /** bfloat16: the upper 16 bits of an IEEE float. */
    BF16(2),
    /** IEEE 754 binary16. */
    F16(2);

    private final int byteSize;

    ElementType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }
}
