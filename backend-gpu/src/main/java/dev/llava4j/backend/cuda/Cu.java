package dev.llava4j.backend.cuda;

import org.lwjgl.cuda.CU;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Result checking for driver API calls (LWJGL returns the raw CUresult). */
final class Cu {
    private Cu() {
    }

    static void check(int result, String call) {
        if (result != CU.CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + errorName(result) + " (" + result + ")");
        }
    }

    /** CUDA_ERROR_* name of a result code, or the number when the driver cannot name it. */
    static String errorName(int result) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            if (CU.ncuGetErrorName(result, out.address()) == CU.CUDA_SUCCESS) {
                MemorySegment name = out.get(ValueLayout.ADDRESS, 0);
                if (name.address() != 0) {
                    return name.reinterpret(256).getString(0);
                }
            }
        } catch (Throwable ignored) {
            // naming the error must not hide it
        }
        return "CUresult " + result;
    }

    /** Runs a call that writes one 64-bit value (a handle or pointer) through its first argument. */
    static long outLong(String call, OutCall body) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            check(body.call(out.address()), call);
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Runs a call that writes one int through its first argument. */
    static int outInt(String call, OutCall body) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            check(body.call(out.address()), call);
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    @FunctionalInterface
    interface OutCall {
        int call(long outAddress);
    }
}
