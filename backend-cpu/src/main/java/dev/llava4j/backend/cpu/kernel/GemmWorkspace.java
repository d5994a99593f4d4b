package dev.llava4j.backend.cpu.kernel;

import static dev.llava4j.backend.cpu.kernel.GemmBlocking.KC;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MC;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.MR;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NC;
import static dev.llava4j.backend.cpu.kernel.GemmBlocking.NR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread packing buffers, allocated once per thread at their maximum size
 * (about (MC + NC) * KC * 4 bytes, 4.4 MB with the defaults) and reused by every call.
 */
final class GemmWorkspace {

    private static final ThreadLocal<GemmWorkspace> CURRENT = ThreadLocal.withInitial(GemmWorkspace::new);

    final float[] packedA = new float[MC * KC];
    /**
     * Native and 64-byte aligned, so that no vector load of B straddles two cache lines: a float[]'s data starts 16
     * bytes into the object, at a different 64-byte phase for each allocation. On the Intel Xeon VM a 1-thread 1024³
     * product ran at 121-135 GFLOP/s with a misaligned float[] and 166 in the one run of seven whose array happened to
     * be aligned; a probe kernel with B in an aligned native segment 154-158, at offsets 16/32/48 bytes 120-124.
     */
    final MemorySegment packedB = Arena.ofAuto().allocate((long) KC * NC * Float.BYTES, 64);
    /** Blocks being transposed while B's panels are packed ({@link ColumnPanelPacking}). */
    final MemorySegment transposeScratch = Arena.ofAuto().allocate(ColumnPanelPacking.SCRATCH * (long) Float.BYTES, 64);
    /** An edge tile or one to be scaled, computed here before it is written to C (native: see MicroKernel). */
    final MemorySegment tile = Arena.ofAuto().allocate((long) MR * NR * Float.BYTES, 64);

    private GemmWorkspace() {
    }

    static GemmWorkspace current() {
        return CURRENT.get();
    }
}
