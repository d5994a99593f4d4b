package dev.llava4j.tensor.safetensors;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint made of one or more safetensors files, queried as one set of tensors:
 * <ul>
 *   <li>a single file (any name);</li>
 *   <li>a folder with {@code model.safetensors.index.json} (or one other {@code *.safetensors.index.json}):
 *       the index's {@code weight_map} must match the shards exactly;</li>
 *   <li>a folder with one or more {@code *.safetensors} and no index: all files are opened, and a tensor
 *       name found in two files is an error.</li>
 * </ul>
 * A folder holding only PyTorch pickle files ({@code *.bin}) is refused with instructions to convert it.
 * Every entry's {@link TensorEntry#file()} names its shard.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {

    private final Path path;
    private final List<SafetensorsFile> files;
    private final List<TensorEntry> entries;
    private final Map<String, TensorEntry> byName;
    private final Map<Path, SafetensorsFile> fileByPath;
    private final Map<String, String> metadata;

    private SafetensorsCheckpoint(Path path, List<SafetensorsFile> files, List<TensorEntry> entries) {
        this.path = path;
        this.files = List.copyOf(files);
        this.entries = Collections.unmodifiableList(entries);
        this.byName = new HashMap<>(entries.size() * 2);
        for (TensorEntry e : entries) {
            byName.put(e.name(), e);
        }
        this.fileByPath = new HashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (SafetensorsFile f : files) {
            fileByPath.put(f.path(), f);
            f.metadata().forEach(meta::putIfAbsent);
        }
        this.metadata = Collections.unmodifiableMap(meta);
    }

    /**
     * Opens a safetensors file, a sharded folder, an index file or a folder of safetensors files and
     * validates all of them (see {@link SafetensorsFile#open}).
     */
    public static SafetensorsCheckpoint open(Path path) throws SafetensorsException {
        return switch (CheckpointLayout.detect(path)) {
            case CheckpointLayout.Indexed indexed -> openIndexed(path, indexed.indexFile());
            case CheckpointLayout.FileSet set -> openFileSet(path, set.files());
        };
    }

    private static SafetensorsCheckpoint openIndexed(Path path, Path indexFile) throws SafetensorsException {
        Map<String, Path> shardOf = ShardIndex.read(indexFile);
        Map<Path, SafetensorsFile> shards = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> e : shardOf.entrySet()) {
                Path shard = e.getValue();
                if (!shards.containsKey(shard)) {
                    if (!java.nio.file.Files.isRegularFile(shard)) {
                        throw SafetensorsException.ofTensor(indexFile, e.getKey(), "shard file "
                                + shard.getFileName() + " does not exist (" + shard + ")");
                    }
                    shards.put(shard, SafetensorsFile.open(shard));
                }
            }
            List<TensorEntry> entries = new ArrayList<>(shardOf.size());
            for (Map.Entry<String, Path> e : shardOf.entrySet()) {
                TensorEntry entry = shards.get(e.getValue()).entry(e.getKey());
                if (entry == null) {
                    throw SafetensorsException.ofTensor(indexFile, e.getKey(), "listed in the index but absent from "
                            + "its shard " + e.getValue().getFileName());
                }
                entries.add(entry);
            }
            // A shard tensor the index does not list (or lists elsewhere) means index and shards disagree.
            for (SafetensorsFile shard : shards.values()) {
                for (TensorEntry t : shard.entries()) {
                    if (!shard.path().equals(shardOf.get(t.name()))) {
                        throw SafetensorsException.ofTensor(shard.path(), t.name(), "present in this shard but "
                                + "the index " + indexFile.getFileName() + " lists "
                                + (shardOf.containsKey(t.name()) ? "it in " + shardOf.get(t.name()).getFileName()
                                : "no such tensor"));
                    }
                }
            }
            return new SafetensorsCheckpoint(path, List.copyOf(shards.values()), entries);
        } catch (SafetensorsException | RuntimeException e) {
            closeAll(shards.values(), e);
            throw e;
        }
    }

    private static SafetensorsCheckpoint openFileSet(Path path, List<Path> paths) throws SafetensorsException {
        List<SafetensorsFile> opened = new ArrayList<>(paths.size());
        try {
            Map<String, TensorEntry> seen = new HashMap<>();
            List<TensorEntry> entries = new ArrayList<>();
            for (Path p : paths) {
                SafetensorsFile f = SafetensorsFile.open(p);
                opened.add(f);
                for (TensorEntry t : f.entries()) {
                    TensorEntry before = seen.putIfAbsent(t.name(), t);
                    if (before != null) {
                        throw SafetensorsException.ofTensor(p, t.name(), "also present in "
                                + before.file() + "; without an index a tensor name may appear in one file only");
                    }
                    entries.add(t);
                }
            }
            return new SafetensorsCheckpoint(path, opened, entries);
        } catch (SafetensorsException | RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static void closeAll(Iterable<SafetensorsFile> files, Exception failure) {
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** The file or folder this checkpoint was opened from. */
    public Path path() {
        return path;
    }

    /** The safetensors files, in shard order (index order of first use, or file name order). */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** The {@code __metadata__} of all files merged; for a key in several files the first file's value wins. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** All tensors: index order for an indexed folder, else file by file in header order. */
    public List<TensorEntry> entries() {
        return entries;
    }

    /** The entry of a tensor, or null when no file has it. */
    public TensorEntry entry(String name) {
        return byName.get(name);
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The file that holds a tensor, or null when there is no such tensor. */
    public Path fileOf(String name) {
        TensorEntry e = byName.get(name);
        return e == null ? null : e.file();
    }

    /**
     * Zero-copy little-endian bytes of a tensor (see {@link SafetensorsFile#data(String)}).
     *
     * @throws IllegalArgumentException when there is no such tensor
     */
    public MemorySegment data(String name) {
        TensorEntry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        }
        return fileByPath.get(e.file()).data(e);
    }

    /** Sum of the data buffer sizes of all files. */
    public long dataBytes() {
        long sum = 0;
        for (SafetensorsFile f : files) {
            sum += f.dataBytes();
        }
        return sum;
    }

    /** Bytes of all data buffers that belong to no tensor (tolerated gaps; 0 for well-formed files). */
    public long unusedDataBytes() {
        long sum = 0;
        for (SafetensorsFile f : files) {
            sum += f.unusedDataBytes();
        }
        return sum;
    }

    /** Unmaps all files. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
