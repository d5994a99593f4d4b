package dev.llava4j.tensor;

/** Where a tensor's storage lives. Kernels for a device come from the {@link dev.llava4j.tensor.backend.Backend}s registered for it. */
public enum Device {
    CPU,
    CUDA;

    public static Device parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> CPU;
            case "cuda", "gpu" -> CUDA;
            default -> throw new IllegalArgumentException("unknown device '" + name + "' (expected cpu or cuda)");
        };
    }
}
