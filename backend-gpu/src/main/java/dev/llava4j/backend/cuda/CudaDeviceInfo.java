package dev.llava4j.backend.cuda;

/** One GPU as the driver reports it. */
public record CudaDeviceInfo(int ordinal, String name, int computeMajor, int computeMinor, long totalMemoryBytes,
                             int multiprocessors, int maxSharedMemoryPerBlockOptin) {

    /** The NVRTC/nvcc architecture name, e.g. "sm_90". */
    public String arch() {
        return "sm_" + computeMajor + computeMinor;
    }

    @Override
    public String toString() {
        return String.format("cuda:%d %s (compute %d.%d, %.1f GiB, %d SMs)", ordinal, name, computeMajor, computeMinor,
                totalMemoryBytes / (1024.0 * 1024 * 1024), multiprocessors);
    }
}
