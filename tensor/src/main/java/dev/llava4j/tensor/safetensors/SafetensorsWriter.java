package dev.llava4j.tensor.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes safetensors files: a JSON header padded with spaces so that the data starts at a multiple of 8,
 * then the tensors back to back in the given order. Every file is written atomically (see {@link AtomicFiles}).
 * The writer copies bytes as they are: callers supply little-endian data.
 */
public final class SafetensorsWriter {

    /** Name pattern of shard files, as used by Hugging Face: {@code model-00001-of-00003.safetensors}. */
    private static final String SHARD_NAME = "%s-%05d-of-%05d.safetensors";

    /** Bytes moved per write call; heap segments are staged through a native buffer of this size. */
    private static final long CHUNK_BYTES = 8L << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /**
     * Writes one safetensors file.
     *
     * @param file     target; replaced atomically if it exists, never left half-written
     * @param metadata {@code __metadata__} entries (null or empty: none written)
     * @param tensors  tensors in the order their bytes are laid out
     * @throws SafetensorsException when an entry is invalid (checked before any file is created) or the
     *                              file cannot be written
     */
    public static void write(Path file, Map<String, String> metadata, List<WriteEntry> tensors)
            throws SafetensorsException {
        validate(file, metadata, tensors);
        byte[] header = header(file, metadata, tensors);
        try {
            AtomicFiles.write(file, channel -> {
                writeFully(channel, ByteBuffer.wrap(header));
                for (WriteEntry t : tensors) {
                    writeSegment(channel, t.data());
                }
            });
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new SafetensorsException(file, "cannot write file: " + e, e);
        }
    }

    /**
     * Writes a sharded checkpoint: shards {@code <prefix>-00001-of-0000K.safetensors} of at most
     * {@code maxShardBytes} tensor bytes each (a larger tensor gets a shard of its own), then the index
     * {@code <prefix>.safetensors.index.json} = {@code {"metadata":{"total_size":..},"weight_map":{..}}}.
     * Each file is atomic and the index is written last, so a reader of the index never sees a missing shard.
     * Every shard carries {@code metadata}.
     *
     * @return the index file
     */
    public static Path writeSharded(Path dir, String prefix, long maxShardBytes, Map<String, String> metadata,
                                    List<WriteEntry> tensors) throws SafetensorsException {
        if (prefix == null || prefix.isEmpty() || prefix.contains("/") || prefix.contains("\\")
                || prefix.equals(".") || prefix.equals("..")) {
            throw new SafetensorsException(dir, "shard prefix '" + prefix + "' is not a plain file name");
        }
        if (maxShardBytes <= 0) {
            throw new SafetensorsException(dir, "maxShardBytes must be positive, was " + maxShardBytes);
        }
        Path index = dir.resolve(prefix + ".safetensors.index.json");
        validate(index, metadata, tensors);

        List<List<WriteEntry>> shards = splitIntoShards(tensors, maxShardBytes);
        ObjectNode weightMap = MAPPER.createObjectNode();
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            String shardName = String.format(SHARD_NAME, prefix, i + 1, shards.size());
            write(dir.resolve(shardName), metadata, shards.get(i));
            for (WriteEntry t : shards.get(i)) {
                weightMap.put(t.name(), shardName);
                totalSize += t.data().byteSize();
            }
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.putObject("metadata").put("total_size", totalSize);
        root.set("weight_map", weightMap);
        try {
            byte[] json = MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root);
            AtomicFiles.write(index, channel -> writeFully(channel, ByteBuffer.wrap(json)));
        } catch (IOException e) {
            throw new SafetensorsException(index, "cannot write index: " + e, e);
        }
        return index;
    }

    /** Greedy split in the given order; an empty list still yields one (empty) shard so the index is valid. */
    private static List<List<WriteEntry>> splitIntoShards(List<WriteEntry> tensors, long maxShardBytes) {
        List<List<WriteEntry>> shards = new ArrayList<>();
        List<WriteEntry> current = new ArrayList<>();
        long currentBytes = 0;
        for (WriteEntry t : tensors) {
            long size = t.data().byteSize();
            if (!current.isEmpty() && size > maxShardBytes - currentBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(t);
            currentBytes += size;
        }
        shards.add(current);
        return shards;
    }

    private static void validate(Path file, Map<String, String> metadata, List<WriteEntry> tensors)
            throws SafetensorsException {
        if (tensors == null) {
            throw new SafetensorsException(file, "tensor list is null");
        }
        if (metadata != null) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new SafetensorsException(file, "metadata entry " + e.getKey() + " = " + e.getValue()
                            + " has a null key or value");
                }
            }
        }
        Set<String> names = new HashSet<>();
        for (WriteEntry t : tensors) {
            if (t == null || t.name() == null) {
                throw new SafetensorsException(file, "null tensor or tensor name in " + tensors.size()
                        + " tensors");
            }
            String name = t.name();
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw SafetensorsException.ofTensor(file, name, "name is reserved for metadata");
            }
            if (!names.add(name)) {
                throw SafetensorsException.ofTensor(file, name, "duplicate tensor name");
            }
            if (t.dtype() == null || t.shape() == null || t.data() == null) {
                throw SafetensorsException.ofTensor(file, name, "dtype, shape or data is null");
            }
            long expected = expectedBytes(file, t);
            if (t.data().byteSize() != expected) {
                throw SafetensorsException.ofTensor(file, name, "data has " + t.data().byteSize()
                        + " bytes but " + t.dtype() + " shape " + Arrays.toString(t.shape()) + " needs " + expected);
            }
        }
    }

    private static long expectedBytes(Path file, WriteEntry t) throws SafetensorsException {
        long n = t.dtype().byteSize();
        for (long d : t.shape()) {
            if (d < 0) {
                throw SafetensorsException.ofTensor(file, t.name(), "negative dimension in shape "
                        + Arrays.toString(t.shape()));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw SafetensorsException.ofTensor(file, t.name(), "byte size of shape "
                        + Arrays.toString(t.shape()) + " overflows a 64-bit integer");
            }
        }
        return n;
    }

    /** The header JSON followed by spaces up to the next multiple of 8 (counting the 8-byte length prefix). */
    private static byte[] header(Path file, Map<String, String> metadata, List<WriteEntry> tensors)
            throws SafetensorsException {
        ObjectNode root = MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (WriteEntry t : tensors) {
            ObjectNode e = root.putObject(t.name());
            e.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + t.data().byteSize();
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(file, "cannot serialize header: " + e.getOriginalMessage(), e);
        }
        int padded = (json.length + 7) & ~7; // 8 + padded is then a multiple of 8 too
        ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.hasRemaining()) {
            out.put((byte) ' ');
        }
        return out.flip().array();
    }

    private static void writeSegment(FileChannel channel, MemorySegment src) throws IOException {
        if (src.isNative()) {
            // Native and mapped segments can be handed to the channel directly, chunk by chunk.
            for (long off = 0; off < src.byteSize(); ) {
                long len = chunkAt(channel.position(), src.byteSize() - off);
                writeFully(channel, src.asSlice(off, len).asByteBuffer());
                off += len;
            }
            return;
        }
        // Heap segments backed by float[] etc. cannot become a ByteBuffer: stage them through native memory.
        try (Arena staging = Arena.ofConfined()) {
            MemorySegment buffer = staging.allocate(Math.min(CHUNK_BYTES, Math.max(1, src.byteSize())));
            for (long off = 0; off < src.byteSize(); ) {
                long len = chunkAt(channel.position(), src.byteSize() - off); // at most the buffer's size
                MemorySegment.copy(src, off, buffer, 0, len);
                writeFully(channel, buffer.asSlice(0, len).asByteBuffer());
                off += len;
            }
        }
    }

    /**
     * Bytes of the next write at file offset {@code position}: up to the next multiple of CHUNK_BYTES, so that writes
     * after the header start 8 MB aligned. Linux fills the page cache of an aligned write with 2 MB folios, which a
     * reader's mapping then maps as huge pages (see {@link HugePageAdvice}): a 1 GiB tensor written at the odd offset
     * after the header left 768 of its 1024 MiB in 2 MB folios (1022 MiB with aligned writes).
     */
    private static long chunkAt(long position, long remaining) {
        return Math.min(remaining, CHUNK_BYTES - position % CHUNK_BYTES);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
