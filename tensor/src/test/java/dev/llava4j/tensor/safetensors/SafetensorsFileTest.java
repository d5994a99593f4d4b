package dev.llava4j.tensor.safetensors;

import dev.llava4j.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import static dev.llava4j.tensor.safetensors.RawFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Well-formed (and tolerated) files: the query API and zero-copy data access. */
class SafetensorsFileTest {

    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void entriesKeepHeaderOrderAndSlicesAreExact() throws IOException {
        // "b" comes first in the header but second in the buffer; data bytes are 1, 2, 3, ...
        String header = "{\"__metadata__\":{\"z\":\"1\",\"a\":\"2\"},"
                + "\"b\":{\"dtype\":\"I16\",\"shape\":[1,2],\"data_offsets\":[2,6]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        Path f = write(dir, "ok.safetensors", header, 6);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(f, st.path());
            assertEquals(List.of("b", "a"), st.entries().stream().map(TensorEntry::name).toList());
            assertEquals(List.of("z", "a"), List.copyOf(st.metadata().keySet()));
            assertEquals("2", st.metadata().get("a"));
            TensorEntry b = st.entry("b");
            assertEquals(DType.I16, b.dtype());
            assertArrayEquals(new long[] {1, 2}, b.shape());
            assertEquals(2, b.numel());
            assertEquals(4, b.byteSize());
            assertEquals(f, b.file());
            MemorySegment data = st.data("b");
            assertEquals(4, data.byteSize());
            assertEquals((short) 0x0403, data.get(I16_LE, 0)); // bytes 3, 4 little-endian
            assertEquals((short) 0x0605, data.get(I16_LE, 2));
            assertArrayEquals(new byte[] {1, 2}, st.data("a").toArray(ValueLayout.JAVA_BYTE));
            assertTrue(data.isReadOnly());
            assertEquals(6, st.dataBytes());
            assertEquals(0, st.unusedDataBytes());
        }
    }

    @Test
    void absentTensor() throws IOException {
        Path f = write(dir, "empty.safetensors", "{}", 0);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertTrue(st.entries().isEmpty());
            assertTrue(st.metadata().isEmpty());
            assertNull(st.entry("x"));
            assertFalse(st.contains("x"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.data("x"));
            assertTrue(e.getMessage().contains(f + ": no tensor named 'x'"), e.getMessage());
        }
    }

    @Test
    void dataAfterCloseIsRefused() throws IOException {
        Path f = write(dir, "c.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        SafetensorsFile st = SafetensorsFile.open(f);
        MemorySegment before = st.data("a");
        st.close();
        st.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> st.data("a"));
        assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void gapsAndTailAreToleratedAndCounted() throws IOException {
        // bytes 2..3 belong to no tensor, nor do the last 3 bytes
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[4,7]}}";
        Path f = write(dir, "gaps.safetensors", header, 10);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(10, st.dataBytes());
            assertEquals(5, st.unusedDataBytes());
            assertArrayEquals(new byte[] {5, 6, 7}, st.data("b").toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void headerLengthNotMultipleOfEightIsAccepted() throws IOException {
        String header = "{\"w\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[0,4]}} "; // 55 bytes
        assertEquals(1, (8 + header.length()) % 2, "test needs a misaligned data buffer");
        Path f = write(dir, "odd.safetensors", header, 4);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals((short) 0x0201, st.data("w").get(I16_LE, 0));
            assertEquals((short) 0x0403, st.data("w").get(I16_LE, 2));
        }
    }

    @Test
    void scalarAndEmptyTensorsAndUnknownFields() throws IOException {
        // an empty tensor may sit at the same offset as its neighbour; unknown entry fields are ignored
        String header = "{\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[8,8],\"extra\":true},"
                + "\"e2\":{\"dtype\":\"BOOL\",\"shape\":[0],\"data_offsets\":[0,0]}}";
        Path f = write(dir, "scalar.safetensors", header, 8);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(0, st.entry("s").rank());
            assertEquals(1, st.entry("s").numel());
            assertEquals(0, st.entry("e").numel());
            assertEquals(0, st.data("e").byteSize());
            assertEquals(0, st.data("e2").byteSize());
        }
    }
}
