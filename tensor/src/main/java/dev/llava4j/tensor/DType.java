package dev.llava4j.tensor;

/**
 * Element types. Floating types are read and computed as {@code float} (F64 as {@code double} where it matters);
 * BF16/F16 are storage formats converted on load/store with round-to-nearest-even.
 */
public enum DType {
    F32(4, "F32", true),
    F16(2, "F16", true),
    BF16(2, "BF16", true),
    F64(8, "F64", true),
    I64(8, "I64", false),
    I32(4, "I32", false),
    I16(2, "I16", false),
    I8(1, "I8", false),
    U8(1, "U8", false),
    BOOL(1, "BOOL", false);

    private final int byteSize;
    private final String safetensorsName;
    private final boolean floating;

    DType(int byteSize, String safetensorsName, boolean floating) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype code used in safetensors headers ("F32", "BF16", ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    public boolean isFloating() {
        return floating;
    }

    /** Parses a safetensors dtype code; returns null for codes llava4j does not support. */
    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) {
                return d;
            }
        }
        return null;
    }
}
