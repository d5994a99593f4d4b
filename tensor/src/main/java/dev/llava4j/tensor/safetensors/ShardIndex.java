package dev.llava4j.tensor.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code *.safetensors.index.json}: {@code {"metadata": {...}, "weight_map": {tensor: shard file}}}
 * and resolves every shard name to a file that must lie inside the index's folder.
 */
final class ShardIndex {

    /** Indexes are small (tens of kB for 13B models); anything far larger is not an index. */
    private static final long MAX_INDEX_BYTES = 100_000_000L;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();

    private ShardIndex() {
    }

    /** Tensor name to shard file, in index order. */
    static Map<String, Path> read(Path indexFile) throws SafetensorsException {
        JsonNode weightMap = parse(indexFile).get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsException(indexFile, "'weight_map' is missing or not a JSON object");
        }
        Path dir = indexFile.toAbsolutePath().normalize().getParent();
        Map<String, Path> shardOf = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            if (!e.getValue().isTextual()) {
                throw SafetensorsException.ofTensor(indexFile, e.getKey(), "shard file name is not a string but "
                        + e.getValue().getNodeType());
            }
            shardOf.put(e.getKey(), resolveInside(indexFile, dir, e.getKey(), e.getValue().textValue()));
        }
        return shardOf;
    }

    private static JsonNode parse(Path indexFile) throws SafetensorsException {
        try {
            long size = Files.size(indexFile);
            if (size > MAX_INDEX_BYTES) {
                throw new SafetensorsException(indexFile, "index is " + size + " bytes, over the limit of "
                        + MAX_INDEX_BYTES);
            }
            JsonNode root = MAPPER.readTree(Files.readAllBytes(indexFile));
            if (root == null || !root.isObject()) {
                throw new SafetensorsException(indexFile, "index is not a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw new SafetensorsException(indexFile, "index is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new SafetensorsException(indexFile, "cannot read index: " + e, e);
        }
    }

    /**
     * A shard name is a path relative to the index's folder and may not leave it: an index from an
     * untrusted download must not make us open arbitrary files. The check is on the names only, because
     * Hugging Face cache folders legitimately hold shards as symbolic links to blobs elsewhere.
     */
    private static Path resolveInside(Path indexFile, Path dir, String tensor, String shardName)
            throws SafetensorsException {
        Path shard;
        try {
            Path relative = Path.of(shardName);
            shard = dir.resolve(relative).normalize();
            if (relative.isAbsolute() || !shard.startsWith(dir) || shard.equals(dir)) {
                throw SafetensorsException.ofTensor(indexFile, tensor, "shard path '" + shardName
                        + "' escapes the folder " + dir);
            }
        } catch (InvalidPathException e) {
            throw SafetensorsException.ofTensor(indexFile, tensor, "shard path '" + shardName + "' is invalid: "
                    + e.getMessage());
        }
        return shard;
    }
}
