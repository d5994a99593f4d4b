package dev.llava4j.tensor.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.llava4j.tensor.safetensors.SafetensorsWriterTest.randomEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsCheckpointTest {

    @TempDir
    Path dir;

    /** Five tensors of 24, 40, 8, 100 and 16 bytes. */
    private static List<WriteEntry> fiveTensors() {
        Random r = new Random(3);
        return List.of(
                randomEntry("embed", DType.F32, new long[] {2, 3}, r),
                randomEntry("layer.0.w", DType.BF16, new long[] {4, 5}, r),
                randomEntry("layer.0.b", DType.I64, new long[] {1}, r),
                randomEntry("layer.1.w", DType.U8, new long[] {100}, r),
                randomEntry("head", DType.F16, new long[] {8}, r));
    }

    @Test
    void shardedWriteThenReadRoundTrip() throws IOException {
        List<WriteEntry> tensors = fiveTensors();
        // limit 64: [24+40] [8] [100 alone: larger than the limit] [16]
        Path index = SafetensorsWriter.writeSharded(dir, "model", 64, Map.of("format", "pt"), tensors);
        assertEquals(dir.resolve("model.safetensors.index.json"), index);
        assertEquals(List.of("model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors",
                "model.safetensors.index.json"), fileNames(dir));

        JsonNode json = new ObjectMapper().readTree(index.toFile());
        assertEquals(188, json.get("metadata").get("total_size").longValue());
        assertEquals("model-00001-of-00004.safetensors", json.get("weight_map").get("layer.0.w").textValue());
        assertEquals("model-00003-of-00004.safetensors", json.get("weight_map").get("layer.1.w").textValue());

        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertEquals(4, ckpt.files().size());
            assertEquals(tensors.stream().map(WriteEntry::name).toList(),
                    ckpt.entries().stream().map(TensorEntry::name).toList());
            assertEquals(Map.of("format", "pt"), ckpt.metadata());
            assertEquals(dir.resolve("model-00002-of-00004.safetensors").toAbsolutePath(), ckpt.fileOf("layer.0.b"));
            assertEquals(ckpt.fileOf("head"), ckpt.entry("head").file());
            for (WriteEntry t : tensors) {
                assertTrue(ckpt.contains(t.name()));
                assertEquals(t.dtype(), ckpt.entry(t.name()).dtype());
                assertArrayEquals(t.shape(), ckpt.entry(t.name()).shape());
                assertArrayEquals(t.data().toArray(ValueLayout.JAVA_BYTE), ckpt.data(t.name()).toArray(ValueLayout.JAVA_BYTE));
            }
            assertNull(ckpt.entry("nope"));
            assertNull(ckpt.fileOf("nope"));
            assertFalse(ckpt.contains("nope"));
            assertThrows(IllegalArgumentException.class, () -> ckpt.data("nope"));
            assertEquals(188, ckpt.dataBytes());
        }
        // the index file itself may be given too
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(index)) {
            assertEquals(5, ckpt.entries().size());
        }
    }

    @Test
    void singleFileAndSingleFileFolder() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafetensorsWriter.write(f, Map.of("k", "v"), fiveTensors());
        for (Path p : List.of(f, dir)) {
            try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(p)) {
                assertEquals(5, ckpt.entries().size());
                assertEquals(f, ckpt.fileOf("head"));
                assertEquals(Map.of("k", "v"), ckpt.metadata());
            }
        }
    }

    @Test
    void severalFilesWithoutIndexAreMerged() throws IOException {
        List<WriteEntry> t = fiveTensors();
        SafetensorsWriter.write(dir.resolve("a.safetensors"), null, t.subList(0, 2));
        SafetensorsWriter.write(dir.resolve("b.safetensors"), null, t.subList(2, 5));
        Files.writeString(dir.resolve(".hidden.safetensors"), "not read: hidden files are skipped");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertEquals(t.stream().map(WriteEntry::name).toList(), ckpt.entries().stream().map(TensorEntry::name).toList());
            assertEquals(dir.resolve("a.safetensors"), ckpt.fileOf("layer.0.w"));
            assertEquals(dir.resolve("b.safetensors"), ckpt.fileOf("layer.0.b"));
        }
    }

    @Test
    void duplicateAcrossFilesWithoutIndex() throws IOException {
        List<WriteEntry> t = fiveTensors();
        SafetensorsWriter.write(dir.resolve("a.safetensors"), null, t.subList(0, 2));
        SafetensorsWriter.write(dir.resolve("b.safetensors"), null, t.subList(1, 3));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("b.safetensors") + ": tensor 'layer.0.w': also present in "
                + dir.resolve("a.safetensors")), e.getMessage());
    }

    @Test
    void indexNamingMissingShard() throws IOException {
        Path index = SafetensorsWriter.writeSharded(dir, "model", 64, null, fiveTensors());
        Files.delete(dir.resolve("model-00003-of-00004.safetensors"));
        assertCheckpointFails(dir, index + ": tensor 'layer.1.w': shard file model-00003-of-00004.safetensors does not exist");
    }

    @Test
    void indexListsTensorAbsentFromShard() throws IOException {
        SafetensorsWriter.writeSharded(dir, "model", 64, null, fiveTensors());
        writeIndex("{\"weight_map\":{\"embed\":\"model-00001-of-00004.safetensors\","
                + "\"ghost\":\"model-00001-of-00004.safetensors\"}}");
        assertCheckpointFails(dir, "tensor 'ghost': listed in the index but absent from its shard "
                + "model-00001-of-00004.safetensors");
    }

    @Test
    void shardTensorMissingFromIndex() throws IOException {
        SafetensorsWriter.writeSharded(dir, "model", 64, null, fiveTensors());
        writeIndex("{\"weight_map\":{\"embed\":\"model-00001-of-00004.safetensors\"}}");
        assertCheckpointFails(dir, "model-00001-of-00004.safetensors: tensor 'layer.0.w': present in this shard but the "
                + "index model.safetensors.index.json lists no such tensor");
    }

    @Test
    void shardPathEscapingTheFolder() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("ckpt"));
        SafetensorsWriter.write(dir.resolve("outside.safetensors"), null, fiveTensors());
        Files.writeString(sub.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"embed\":\"../outside.safetensors\"}}");
        assertCheckpointFails(sub, "tensor 'embed': shard path '../outside.safetensors' escapes the folder");
        Files.writeString(sub.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"embed\":\"" + dir.resolve("outside.safetensors") + "\"}}");
        assertCheckpointFails(sub, "escapes the folder");
    }

    @Test
    void malformedIndex() throws IOException {
        writeIndex("{\"weight_map\": [1]}");
        assertCheckpointFails(dir, "'weight_map' is missing or not a JSON object");
        writeIndex("{\"weight_map\": {\"a\": 5}}");
        assertCheckpointFails(dir, "tensor 'a': shard file name is not a string but NUMBER");
        writeIndex("{\"weight_map\": {\"a\": \"x.safetensors\", \"a\": \"y.safetensors\"}}");
        assertCheckpointFails(dir, "index is not valid JSON", "Duplicate field 'a'");
        writeIndex("not json");
        assertCheckpointFails(dir, "index is not valid JSON");
    }

    @Test
    void brokenShardIsReportedWithItsOwnPath() throws IOException {
        SafetensorsWriter.writeSharded(dir, "model", 64, null, fiveTensors());
        Files.write(dir.resolve("model-00002-of-00004.safetensors"), new byte[] {1, 2, 3});
        assertCheckpointFails(dir, dir.resolve("model-00002-of-00004.safetensors").toAbsolutePath()
                + ": file is 3 bytes, shorter than the 8-byte header length");
    }

    @Test
    void pickleCheckpointsAreRefusedWithConversionAdvice() throws IOException {
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {'P', 'K', 3, 4});
        Files.writeString(dir.resolve("config.json"), "{}");
        assertCheckpointFails(dir, "found PyTorch pickle checkpoint (pytorch_model.bin)",
                "only reads safetensors", "safe_serialization=True", "save_file");
        assertCheckpointFails(dir.resolve("pytorch_model.bin"), "found PyTorch pickle checkpoint (pytorch_model.bin)");

        Path sharded = Files.createDirectory(dir.resolve("sharded"));
        Files.writeString(sharded.resolve("pytorch_model.bin.index.json"), "{\"weight_map\":{}}");
        Files.write(sharded.resolve("pytorch_model-00001-of-00002.bin"), new byte[4]);
        assertCheckpointFails(sharded, "pytorch_model-00001-of-00002.bin, pytorch_model.bin.index.json");

        // safetensors next to pickle files: the safetensors are used
        SafetensorsWriter.write(dir.resolve("model.safetensors"), null, fiveTensors());
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertEquals(5, ckpt.entries().size());
        }
    }

    @Test
    void emptyOrMissingFolder() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        assertCheckpointFails(dir, "no .safetensors file or .safetensors.index.json index in this folder");
        assertCheckpointFails(dir.resolve("nothing"), "no such file or folder");
    }

    @Test
    void closeUnmapsEveryShard() throws IOException {
        SafetensorsWriter.writeSharded(dir, "model", 64, null, fiveTensors());
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir);
        var head = ckpt.data("head");
        ckpt.close();
        assertThrows(IllegalStateException.class, () -> head.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> ckpt.data("embed"));
    }

    @Test
    void writeShardedValidatesArguments() {
        assertThrows(SafetensorsException.class,
                () -> SafetensorsWriter.writeSharded(dir, "../x", 64, null, fiveTensors()));
        assertThrows(SafetensorsException.class,
                () -> SafetensorsWriter.writeSharded(dir, "model", 0, null, fiveTensors()));
    }

    private void writeIndex(String json) throws IOException {
        Files.writeString(dir.resolve("model.safetensors.index.json"), json, StandardCharsets.UTF_8);
    }

    private static void assertCheckpointFails(Path path, String... fragments) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(path).close());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message lacks '" + fragment + "': " + e.getMessage());
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
