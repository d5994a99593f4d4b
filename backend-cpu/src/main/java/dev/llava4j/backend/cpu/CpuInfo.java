package dev.llava4j.backend.cpu;

import jdk.incubator.vector.FloatVector;

/** Describes the SIMD shape the CPU kernels run with. */
public final class CpuInfo {
    private CpuInfo() {
    }

    public static String describe() {
        var s = FloatVector.SPECIES_PREFERRED;
        return "Vector API " + s.vectorBitSize() + "-bit (" + s.length() + " floats per vector, species "
                + s + ")";
    }
}
