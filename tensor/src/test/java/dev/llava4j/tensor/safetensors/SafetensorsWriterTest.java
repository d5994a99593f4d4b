package dev.llava4j.tensor.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.FloatFormats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsWriterTest {

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    /** Random bytes of the right size for a dtype and shape. */
    static WriteEntry randomEntry(String name, DType dtype, long[] shape, Random random) {
        long n = dtype.byteSize();
        for (long d : shape) {
            n *= d;
        }
        byte[] bytes = new byte[(int) n];
        random.nextBytes(bytes);
        return new WriteEntry(name, dtype, shape, MemorySegment.ofArray(bytes));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripEveryDtypeWithMatrixScalarAndEmptyShapes(DType dtype) throws IOException {
        Random random = new Random(dtype.ordinal());
        List<WriteEntry> tensors = List.of(
                randomEntry("m", dtype, new long[] {2, 3}, random),
                randomEntry("scalar", dtype, new long[] {}, random),
                randomEntry("empty", dtype, new long[] {0, 3}, random),
                randomEntry("v", dtype, new long[] {5}, random));
        Path f = dir.resolve(dtype + ".safetensors");
        SafetensorsWriter.write(f, Map.of("format", "pt"), tensors);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertEquals(List.of("m", "scalar", "empty", "v"), st.entries().stream().map(TensorEntry::name).toList());
            long expectedBegin = 0;
            for (WriteEntry t : tensors) {
                TensorEntry e = st.entry(t.name());
                assertEquals(dtype, e.dtype());
                assertArrayEquals(t.shape(), e.shape());
                assertEquals(expectedBegin, e.begin(), "tensors must be contiguous in the given order");
                expectedBegin = e.end();
                assertArrayEquals(t.data().toArray(ValueLayout.JAVA_BYTE), st.data(t.name()).toArray(ValueLayout.JAVA_BYTE));
            }
            assertEquals(expectedBegin, st.dataBytes(), "no bytes after the last tensor");
            assertEquals(0, st.unusedDataBytes());
        }
    }

    @Test
    void headerIsSpacePaddedToMultipleOfEightAndValuesSurvive() throws IOException {
        float[] w = {1.5f, -2.25f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY};
        long[] ids = {Long.MIN_VALUE, -100, 0, 32000};
        short[] bf = {FloatFormats.floatToBf16(3.0f), FloatFormats.floatToBf16(-0.5f)};
        Path f = dir.resolve("values.safetensors");
        for (String name : List.of("w", "ww", "www", "wwww", "wwwww", "wwwwww", "wwwwwww", "wwwwwwww")) {
            // different name lengths exercise every padding amount 0..7
            SafetensorsWriter.write(f, null, List.of(
                    new WriteEntry(name, DType.F32, new long[] {2, 2}, MemorySegment.ofArray(w)),
                    new WriteEntry("ids", DType.I64, new long[] {4}, MemorySegment.ofArray(ids)),
                    new WriteEntry("bf", DType.BF16, new long[] {2}, MemorySegment.ofArray(bf))));
            byte[] raw = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            assertEquals(0, (8 + n) % 8, "data must start 8-byte aligned");
            String header = new String(raw, 8, (int) n, StandardCharsets.UTF_8);
            assertTrue(header.startsWith("{"), header);
            assertTrue(header.stripTrailing().endsWith("}"), "only spaces may follow the JSON: " + header);
            assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '));
            assertTrue(header.length() - header.stripTrailing().length() < 8);

            try (SafetensorsFile st = SafetensorsFile.open(f)) {
                MemorySegment ws = st.data(name);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(w[i], ws.get(F32_LE, 4L * i));
                }
                for (int i = 0; i < ids.length; i++) {
                    assertEquals(ids[i], st.data("ids").get(I64_LE, 8L * i));
                }
                assertEquals(3.0f, FloatFormats.bf16ToFloat(st.data("bf").get(I16_LE, 0)));
                assertEquals(-0.5f, FloatFormats.bf16ToFloat(st.data("bf").get(I16_LE, 2)));
                assertTrue(st.metadata().isEmpty());
            }
        }
    }

    @Test
    void headerJsonHasExpectedOffsets() throws IOException {
        Path f = dir.resolve("offsets.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "ünïcode ✓");
        SafetensorsWriter.write(f, meta, List.of(
                randomEntry("a", DType.F16, new long[] {3}, new Random(1)),
                randomEntry("b", DType.I32, new long[] {2, 2}, new Random(2))));
        byte[] raw = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonNode h = new ObjectMapper().readTree(new String(raw, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals("[0,6]", h.get("a").get("data_offsets").toString());
        assertEquals("[6,22]", h.get("b").get("data_offsets").toString());
        assertEquals("F16", h.get("a").get("dtype").textValue());
        assertEquals("ünïcode ✓", h.get("__metadata__").get("note").textValue());
        assertEquals(8 + n + 22, raw.length);
    }

    @Test
    void largeNativeAndHeapTensorsCrossChunkBoundaries() throws IOException {
        // 9 MiB + 3 bytes: more than one 8 MiB write chunk, for both the native and the heap copy path
        int size = (9 << 20) + 3;
        byte[] heap = new byte[size];
        new Random(7).nextBytes(heap);
        Path f = dir.resolve("big.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativeCopy = arena.allocate(size);
            MemorySegment.copy(MemorySegment.ofArray(heap), 0, nativeCopy, 0, size);
            SafetensorsWriter.write(f, null, List.of(
                    new WriteEntry("native", DType.U8, new long[] {size}, nativeCopy),
                    new WriteEntry("heap", DType.U8, new long[] {size}, MemorySegment.ofArray(heap))));
        }
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(-1, MemorySegment.ofArray(heap).mismatch(st.data("native")));
            assertEquals(-1, MemorySegment.ofArray(heap).mismatch(st.data("heap")));
        }
    }

    @Test
    void sizeMismatchLeavesTargetUntouchedAndCreatesNothing() throws IOException {
        Path f = dir.resolve("target.safetensors");
        byte[] before = "previous content".getBytes(StandardCharsets.US_ASCII);
        Files.write(f, before);
        List<WriteEntry> tensors = List.of(
                randomEntry("ok", DType.F32, new long[] {4}, new Random(1)),
                new WriteEntry("bad", DType.F32, new long[] {3}, MemorySegment.ofArray(new byte[11])));
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> SafetensorsWriter.write(f, null, tensors));
        assertTrue(e.getMessage().contains(f + ": tensor 'bad': data has 11 bytes but F32 shape [3] needs 12"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of(f), listDir());
    }

    @Test
    void failureMidwayDeletesTempFileAndLeavesTargetUntouched() throws IOException {
        Path f = dir.resolve("target.safetensors");
        byte[] before = "previous content".getBytes(StandardCharsets.US_ASCII);
        Files.write(f, before);
        // A segment whose memory is already freed passes validation (its size is known) but fails when copied,
        // i.e. after the header and the first tensor went to the temporary file.
        Arena arena = Arena.ofConfined();
        MemorySegment freed = arena.allocate(16);
        arena.close();
        List<WriteEntry> tensors = List.of(
                randomEntry("first", DType.F32, new long[] {4}, new Random(1)),
                new WriteEntry("freed", DType.F32, new long[] {4}, freed));
        assertThrows(IllegalStateException.class, () -> SafetensorsWriter.write(f, null, tensors));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of(f), listDir(), "the temporary file must be removed");
    }

    @Test
    void replacesExistingFile() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafetensorsWriter.write(f, null, List.of(randomEntry("old", DType.U8, new long[] {3}, new Random(1))));
        SafetensorsWriter.write(f, null, List.of(randomEntry("new", DType.U8, new long[] {3}, new Random(1))));
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(List.of("new"), st.entries().stream().map(TensorEntry::name).toList());
        }
        assertEquals(List.of(f), listDir());
    }

    @Test
    void invalidRequestsNameFileAndTensor() throws IOException {
        Path f = dir.resolve("x.safetensors");
        MemorySegment four = MemorySegment.ofArray(new byte[4]);
        assertWriteFails(f, List.of(new WriteEntry("a", DType.U8, new long[] {4}, four),
                new WriteEntry("a", DType.U8, new long[] {4}, four)), "tensor 'a': duplicate tensor name");
        assertWriteFails(f, List.of(new WriteEntry("__metadata__", DType.U8, new long[] {4}, four)),
                "tensor '__metadata__': name is reserved");
        assertWriteFails(f, List.of(new WriteEntry("n", DType.U8, new long[] {-4}, four)),
                "tensor 'n': negative dimension in shape [-4]");
        assertWriteFails(f, List.of(new WriteEntry("o", DType.F64, new long[] {1L << 62}, four)),
                "tensor 'o': byte size of shape [4611686018427387904] overflows");
        assertWriteFails(f, List.of(new WriteEntry("z", null, new long[] {4}, four)),
                "tensor 'z': dtype, shape or data is null");
        assertWriteFails(dir.resolve("missing-folder").resolve("x.safetensors"),
                List.of(new WriteEntry("a", DType.U8, new long[] {4}, four)), "cannot write file");
        assertEquals(List.of(), listDir());
    }

    private static void assertWriteFails(Path f, List<WriteEntry> tensors, String fragment) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsWriter.write(f, null, tensors));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.sorted().toList());
        }
    }
}
