package dev.llava4j.tensor.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llava4j.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and fully validates the JSON header of a safetensors file, so that nothing read later from the
 * data buffer can be out of bounds, overlapping or of the wrong size.
 */
final class SafetensorsHeader {

    static final String METADATA_KEY = "__metadata__";

    /** Duplicate keys are an error (the last one silently winning would hide a corrupt file). */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * The validated content of a header.
     *
     * @param metadata    the {@code __metadata__} map in file order (empty when absent)
     * @param entries     tensors in header order
     * @param unusedBytes bytes of the data buffer that belong to no tensor (gaps or a tail); tolerated on read
     */
    record Parsed(Map<String, String> metadata, List<TensorEntry> entries, long unusedBytes) {
    }

    private SafetensorsHeader() {
    }

    /**
     * @param file       the file, for messages and for the entries
     * @param header     the header bytes (without the 8-byte length prefix, padding included)
     * @param dataBytes  size of the data buffer that follows the header
     */
    static Parsed parse(Path file, byte[] header, long dataBytes) throws SafetensorsException {
        JsonNode root = parseJson(file, decodeUtf8(file, header));
        if (!root.isObject()) {
            throw new SafetensorsException(file, "header is not a JSON object but " + root.getNodeType());
        }
        Map<String, String> metadata = Map.of();
        List<TensorEntry> entries = new ArrayList<>(root.size());
        for (Map.Entry<String, JsonNode> property : root.properties()) {
            if (property.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, property.getValue());
            } else {
                entries.add(parseEntry(file, property.getKey(), property.getValue(), dataBytes));
            }
        }
        long used = checkNoOverlap(file, entries);
        return new Parsed(metadata, Collections.unmodifiableList(entries), dataBytes - used);
    }

    private static String decodeUtf8(Path file, byte[] header) throws SafetensorsException {
        try {
            // A strict decoder: the default String constructor would replace bad bytes with U+FFFD silently.
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, "header is not valid UTF-8", e);
        }
    }

    private static JsonNode parseJson(Path file, String text) throws SafetensorsException {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new SafetensorsException(file, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new SafetensorsException(file, "header is empty");
        }
        return root;
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) throws SafetensorsException {
        if (!node.isObject()) {
            throw new SafetensorsException(file, METADATA_KEY + " is not a JSON object but " + node.getNodeType());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(file, METADATA_KEY + " value of '" + e.getKey()
                        + "' is not a string but " + e.getValue().getNodeType());
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorEntry parseEntry(Path file, String name, JsonNode node, long dataBytes)
            throws SafetensorsException {
        if (!node.isObject()) {
            throw SafetensorsException.ofTensor(file, name, "entry is not a JSON object but " + node.getNodeType());
        }
        DType dtype = parseDType(file, name, node.get("dtype"));
        long[] shape = parseShape(file, name, node.get("shape"));
        long[] offsets = parseOffsets(file, name, node.get("data_offsets"));
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw SafetensorsException.ofTensor(file, name, "data_offsets begin " + begin + " > end " + end);
        }
        if (end > dataBytes) {
            throw SafetensorsException.ofTensor(file, name, "data_offsets end " + end
                    + " is beyond the data buffer of " + dataBytes + " bytes");
        }
        long expected;
        try {
            expected = Math.multiplyExact(product(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw SafetensorsException.ofTensor(file, name, "shape " + Arrays.toString(shape)
                    + " x " + dtype.byteSize() + " bytes overflows a 64-bit size");
        }
        if (end - begin != expected) {
            throw SafetensorsException.ofTensor(file, name, "data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin) + " bytes but " + dtype + " shape " + Arrays.toString(shape)
                    + " needs " + expected);
        }
        return new TensorEntry(name, dtype, shape, begin, end, file);
    }

    private static DType parseDType(Path file, String name, JsonNode node) throws SafetensorsException {
        if (node == null) {
            throw SafetensorsException.ofTensor(file, name, "missing 'dtype'");
        }
        if (!node.isTextual()) {
            throw SafetensorsException.ofTensor(file, name, "'dtype' is not a string but " + node.getNodeType());
        }
        DType dtype = DType.fromSafetensorsName(node.textValue());
        if (dtype == null) {
            throw SafetensorsException.ofTensor(file, name, "unsupported dtype '" + node.textValue() + "'");
        }
        return dtype;
    }

    private static long[] parseShape(Path file, String name, JsonNode node) throws SafetensorsException {
        long[] shape = parseLongArray(file, name, "shape", node);
        for (long d : shape) {
            if (d < 0) {
                throw SafetensorsException.ofTensor(file, name, "negative dimension " + d + " in 'shape'");
            }
        }
        try {
            product(shape);
        } catch (ArithmeticException e) {
            throw SafetensorsException.ofTensor(file, name, "element count of shape "
                    + Arrays.toString(shape) + " overflows a 64-bit integer");
        }
        return shape;
    }

    private static long[] parseOffsets(Path file, String name, JsonNode node) throws SafetensorsException {
        long[] offsets = parseLongArray(file, name, "data_offsets", node);
        if (offsets.length != 2) {
            throw SafetensorsException.ofTensor(file, name, "'data_offsets' has " + offsets.length
                    + " values instead of 2");
        }
        if (offsets[0] < 0 || offsets[1] < 0) {
            throw SafetensorsException.ofTensor(file, name, "negative value in 'data_offsets' "
                    + Arrays.toString(offsets));
        }
        return offsets;
    }

    /** An array of JSON integers that fit in a long (floats such as 2.0 are rejected as wrongly typed). */
    private static long[] parseLongArray(Path file, String name, String field, JsonNode node)
            throws SafetensorsException {
        if (node == null) {
            throw SafetensorsException.ofTensor(file, name, "missing '" + field + "'");
        }
        if (!node.isArray()) {
            throw SafetensorsException.ofTensor(file, name, "'" + field + "' is not an array but "
                    + node.getNodeType());
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw SafetensorsException.ofTensor(file, name, "'" + field + "'[" + i + "] = " + v
                        + " is not a 64-bit integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Sorts regions by start and checks each starts at or after the end of the previous; returns bytes used. */
    private static long checkNoOverlap(Path file, List<TensorEntry> entries) throws SafetensorsException {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long used = 0;
        TensorEntry previous = null;
        for (TensorEntry e : sorted) {
            if (previous != null && e.begin() < previous.end()) {
                throw new SafetensorsException(file, "tensors '" + previous.name() + "' [" + previous.begin()
                        + ", " + previous.end() + ") and '" + e.name() + "' [" + e.begin() + ", " + e.end()
                        + ") overlap");
            }
            used += e.byteSize();
            previous = e;
        }
        return used;
    }
}
