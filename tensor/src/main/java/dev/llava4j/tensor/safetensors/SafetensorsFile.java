package dev.llava4j.tensor.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One memory-mapped safetensors file. Everything is validated at {@link #open}: afterwards every entry's
 * bytes are known to lie inside the file, not to overlap another entry and to have exactly the size its
 * dtype and shape need. Tensor bytes are returned as zero-copy slices of the mapping; they are little-endian
 * and NOT necessarily aligned to their element size (the header length need not be a multiple of 8), so
 * read them with unaligned little-endian layouts such as
 * {@code ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)}.
 *
 * <p>Slices stay valid until {@link #close()}, which unmaps the file; using one afterwards throws
 * {@link IllegalStateException}. The object may be read from several threads (shared arena).
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Headers above this size are refused before anything is allocated (same limit as the reference code). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ValueLayout.OfLong U64_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final SafetensorsHeader.Parsed header;
    private final Map<String, TensorEntry> byName;

    private SafetensorsFile(Path path, Arena arena, MemorySegment data, SafetensorsHeader.Parsed header) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.header = header;
        this.byName = new HashMap<>(header.entries().size() * 2);
        for (TensorEntry e : header.entries()) {
            byName.put(e.name(), e);
        }
    }

    /**
     * Maps and validates a safetensors file.
     *
     * @throws SafetensorsException when the file cannot be read or is malformed in any way
     */
    public static SafetensorsFile open(Path path) throws SafetensorsException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment whole = map(path, arena);
            long fileSize = whole.byteSize();
            if (fileSize < 8) {
                throw new SafetensorsException(path, "file is " + fileSize
                        + " bytes, shorter than the 8-byte header length");
            }
            long headerLength = whole.get(U64_LE, 0); // unsigned: a value >= 2^63 reads as negative
            if (headerLength < 0 || headerLength > fileSize - 8) {
                throw new SafetensorsException(path, "header length " + Long.toUnsignedString(headerLength)
                        + " is beyond the end of the file (" + fileSize + " bytes)");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new SafetensorsException(path, "header length " + headerLength + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            byte[] headerBytes = whole.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = whole.asSlice(8 + headerLength);
            SafetensorsHeader.Parsed header = SafetensorsHeader.parse(path, headerBytes, data.byteSize());
            return new SafetensorsFile(path, arena, data, header);
        } catch (SafetensorsException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path path, Arena arena) throws SafetensorsException {
        if (Files.isDirectory(path)) {
            throw new SafetensorsException(path, "is a folder, not a safetensors file"
                    + " (use SafetensorsCheckpoint for folders)");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            // The mapping outlives the channel; it is released when the arena closes.
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            // before any page is touched: decode streams weights about 2x faster from 2 MB pages
            HugePageAdvice.advise(mapping);
            return mapping;
        } catch (IOException e) {
            throw new SafetensorsException(path, "cannot map file: " + e, e);
        }
    }

    public Path path() {
        return path;
    }

    /** The {@code __metadata__} map in file order; empty when the file has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** All tensors in header order. */
    public List<TensorEntry> entries() {
        return header.entries();
    }

    /** The entry of a tensor, or null when the file has no tensor of that name. */
    public TensorEntry entry(String name) {
        return byName.get(name);
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The bytes of one tensor as a zero-copy read-only slice of the mapping (little-endian, possibly unaligned).
     *
     * @throws IllegalArgumentException when the file has no such tensor
     * @throws IllegalStateException    after {@link #close()}
     */
    public MemorySegment data(String name) {
        TensorEntry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        }
        return data(e);
    }

    /** The bytes of an entry of this file (see {@link #data(String)}). */
    public MemorySegment data(TensorEntry e) {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException(path + ": file is closed");
        }
        if (!e.equals(byName.get(e.name()))) {
            throw new IllegalArgumentException(path + ": entry '" + e.name() + "' belongs to " + e.file());
        }
        return data.asSlice(e.begin(), e.byteSize());
    }

    /** Size of the data buffer (the file size minus 8 minus the header length). */
    public long dataBytes() {
        return data.byteSize();
    }

    /**
     * Bytes of the data buffer that belong to no tensor. The format has none, but some writers leave gaps or
     * a tail; they are tolerated on read and reported here.
     */
    public long unusedDataBytes() {
        return header.unusedBytes();
    }

    /** Unmaps the file; slices handed out before become unusable. Calling it twice is harmless. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + header.entries().size() + " tensors]";
    }
}
