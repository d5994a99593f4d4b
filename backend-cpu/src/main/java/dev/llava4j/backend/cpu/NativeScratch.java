package dev.llava4j.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A per-thread off-heap work buffer for kernels that need temporary matrices (attention's score tiles).
 *
 * <p>Why off-heap: the vector loads and stores of the GEMM kernels are compiled for native segments. A heap segment
 * ({@code MemorySegment.ofArray}) passed to the same code made C2 fall back to lane-by-lane access there, and, since
 * the kernels then saw both kinds of segment, slowed their other callers too.
 */
final class NativeScratch {
    private static final ThreadLocal<NativeScratch> CURRENT = ThreadLocal.withInitial(NativeScratch::new);

    private MemorySegment memory = MemorySegment.NULL;

    private NativeScratch() {
    }

    /**
     * This thread's buffer, at least {@code floats} floats long, with unspecified contents. It stays valid until the
     * thread's next call (callers slice it for several matrices at once; a larger request replaces it).
     */
    static MemorySegment floats(long floats) {
        NativeScratch s = CURRENT.get();
        long bytes = floats * Float.BYTES;
        if (s.memory.byteSize() < bytes) {
            s.memory = Arena.ofAuto().allocate(Math.max(bytes, 2 * s.memory.byteSize()), 64); // freed by the GC
        }
        return s.memory;
    }
}
