package dev.llava4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import dev.llava4j.tensor.safetensors.HugePageAdvice;

/**
 * Large host blocks in transparent huge pages: anonymous memory from {@code mmap}, started on a 2 MB boundary and
 * advised with {@code MADV_HUGEPAGE} before anything touches it, so that the kernel backs it with 2 MB pages as it is
 * first written (the kernel also hands it out zero-filled).
 *
 * <p>Why: {@link Arena#allocate} zero-fills its memory at once, so it is backed by 4 KB pages before any advice could
 * apply. A 7B decode step reads its KV cache (about 650 MB at 600 positions) in between streams of 400 MB of weights
 * per layer, which evict the page tables from the caches; through 4 KB pages its attention took a median of 28-43 ms
 * per step (14-90 ms), through 2 MB pages 17-18 ms (15-20 ms), in a probe alternating the two (Zen 5 VM, 2 threads).
 *
 * <p>Where huge pages are not to be had (not Linux, native access not enabled, {@code -Dllava4j.hugePages=false})
 * or mmap fails, {@link #allocate} returns null and the caller allocates as before.
 */
final class HugePageBlocks {
    /** The size, and so the alignment, of a transparent huge page on x86-64 and arm64 Linux. */
    static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final MethodHandle MMAP = handle("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = handle("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private HugePageBlocks() {
    }

    /**
     * {@code bytes} of zero-filled memory starting on a 2 MB boundary, unmapped when {@code arena} closes; null when
     * huge pages cannot be had here.
     */
    static MemorySegment allocate(long bytes, Arena arena) {
        if (MMAP == null || MUNMAP == null || bytes <= 0) {
            return null;
        }
        long length = bytes + HUGE_PAGE; // room to start on a 2 MB boundary
        MemorySegment mapping;
        try {
            mapping = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE,
                    MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable e) {
            return null;
        }
        if (mapping.address() == -1L) { // MAP_FAILED
            return null;
        }
        MemorySegment whole = mapping.reinterpret(length, arena, start -> unmap(start, length));
        long skew = -whole.address() & (HUGE_PAGE - 1);
        MemorySegment block = whole.asSlice(skew, bytes);
        HugePageAdvice.advise(block); // a hint: refused, the block still works, in 4 KB pages
        return block;
    }

    private static void unmap(MemorySegment start, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(start, length);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap of " + length + " bytes at 0x" + Long.toHexString(start.address())
                    + " failed", e);
        }
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        if (!HugePageAdvice.available()) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(symbol -> linker.downcallHandle(symbol, descriptor)).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
