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
    final float[] packedB = new float[KC * NC];
    /** Blocks being transposed while B's panels are packed ({@link ColumnPanelPacking}). */
    final float[] transposeScratch = new float[ColumnPanelPacking.SCRATCH];
    /** An edge tile or one to be scaled, computed here before it is written to C (native: see MicroKernel). */
    final MemorySegment tile = Arena.ofAuto().allocate((long) MR * NR * Float.BYTES, 64);

    private GemmWorkspace() {
    }

    static GemmWorkspace current() {
        return CURRENT.get();
    }
}
