package dev.llava4j.tensor.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What Linux's /proc says about this process's memory mappings (for tests of huge-page advice). */
public final class ProcMaps {
    private ProcMaps() {
    }

    /** Linux built with transparent huge pages (else madvise(MADV_HUGEPAGE) fails with EINVAL). */
    public static boolean linuxWithHugePages() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && Files.exists(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
    }

    /**
     * The VmFlags line of the /proc/self/smaps entry whose address range holds {@code address}; " hg" in it is
     * VM_HUGEPAGE, the flag madvise(MADV_HUGEPAGE) sets.
     */
    public static String vmFlagsAround(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= start && address < end;
            } else if (inside && line.startsWith("VmFlags:")) {
                return line;
            }
        }
        throw new AssertionError("no mapping holds address 0x" + Long.toHexString(address));
    }

    /** VmSize of /proc/self/status: the bytes of address space this process has mapped. */
    public static long virtualBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmSize:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no VmSize in /proc/self/status");
    }
}
