package dev.llava4j.tensor.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.llava4j.tensor.safetensors.RawFiles.assertOpenFails;
import static dev.llava4j.tensor.safetensors.RawFiles.write;
import static dev.llava4j.tensor.safetensors.RawFiles.writeWithLength;

/** One malformed file per validation rule of {@link SafetensorsFile#open}. */
class SafetensorsFileFaultsTest {

    @TempDir
    Path dir;

    /** A header with a single tensor {@code name}: F32 [2] at data_offsets [0, 8] unless overridden. */
    private static String oneTensor(String entryJson) {
        return "{\"t\":" + entryJson + "}";
    }

    @Test
    void missingFile() {
        assertOpenFails(dir.resolve("absent.safetensors"), "cannot map file");
    }

    @Test
    void folderInsteadOfFile() {
        assertOpenFails(dir, "is a folder, not a safetensors file");
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        assertOpenFails(f, "0 bytes", "shorter than the 8-byte header length");
    }

    @Test
    void fileShorterThanEightBytes() throws IOException {
        Path f = Files.write(dir.resolve("short.safetensors"), new byte[] {2, 0, 0, 0, 0});
        assertOpenFails(f, "5 bytes", "shorter than the 8-byte header length");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.US_ASCII);
        Path f = writeWithLength(dir, "beyond.safetensors", 3, header, new byte[0]);
        assertOpenFails(f, "header length 3 is beyond the end of the file (10 bytes)");
    }

    @Test
    void headerLengthAboveSignedRange() throws IOException {
        // 2^64 - 1 must be read as unsigned, not as -1.
        Path f = writeWithLength(dir, "huge.safetensors", -1L, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        assertOpenFails(f, "header length 18446744073709551615 is beyond the end of the file");
    }

    @Test
    void headerLengthOverHundredMegabytes() throws IOException {
        long declared = SafetensorsFile.MAX_HEADER_BYTES + 1;
        Path f = dir.resolve("bighdr.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(8 + declared + 8); // sparse: the length check must fire, not the end-of-file check
            raf.seek(0);
            raf.write(leBytes(declared));
        }
        assertOpenFails(f, "header length 100000001 exceeds the limit of 100000000 bytes");
    }

    @Test
    void emptyHeader() throws IOException {
        Path f = write(dir, "nohdr.safetensors", "", 0);
        assertOpenFails(f, "header is empty");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '{', '}', '}'}; // C3 28: broken 2-byte seq
        Path f = write(dir, "utf8.safetensors", header, new byte[0]);
        assertOpenFails(f, "header is not valid UTF-8");
    }

    @Test
    void headerNotJson() throws IOException {
        Path f = write(dir, "json.safetensors", "{\"t\": {\"dtype\": ", 0);
        assertOpenFails(f, "header is not valid JSON");
    }

    @Test
    void headerWithTrailingGarbage() throws IOException {
        Path f = write(dir, "trail.safetensors", "{} {}", 0);
        assertOpenFails(f, "header is not valid JSON");
    }

    @Test
    void headerNotAnObject() throws IOException {
        Path f = write(dir, "array.safetensors", "[1, 2]", 0);
        assertOpenFails(f, "header is not a JSON object but ARRAY");
    }

    @Test
    void entryNotAnObject() throws IOException {
        Path f = write(dir, "entry.safetensors", oneTensor("[0, 8]"), 8);
        assertOpenFails(f, "tensor 't': entry is not a JSON object but ARRAY");
    }

    @Test
    void missingDtype() throws IOException {
        Path f = write(dir, "nodtype.safetensors", oneTensor("{\"shape\":[2],\"data_offsets\":[0,8]}"), 8);
        assertOpenFails(f, "tensor 't': missing 'dtype'");
    }

    @Test
    void dtypeNotString() throws IOException {
        Path f = write(dir, "dtypenum.safetensors",
                oneTensor("{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}"), 8);
        assertOpenFails(f, "tensor 't': 'dtype' is not a string but NUMBER");
    }

    @Test
    void unknownDtype() throws IOException {
        Path f = write(dir, "f8.safetensors", oneTensor("{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}"), 2);
        assertOpenFails(f, "tensor 't': unsupported dtype 'F8_E4M3'");
    }

    @Test
    void missingShape() throws IOException {
        Path f = write(dir, "noshape.safetensors", oneTensor("{\"dtype\":\"F32\",\"data_offsets\":[0,8]}"), 8);
        assertOpenFails(f, "tensor 't': missing 'shape'");
    }

    @Test
    void shapeNotArray() throws IOException {
        Path f = write(dir, "shapestr.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}"), 8);
        assertOpenFails(f, "tensor 't': 'shape' is not an array but STRING");
    }

    @Test
    void shapeWithFractionalDimension() throws IOException {
        Path f = write(dir, "shapefloat.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}"), 8);
        assertOpenFails(f, "tensor 't': 'shape'[0] = 2.0 is not a 64-bit integer");
    }

    @Test
    void negativeDimension() throws IOException {
        Path f = write(dir, "negdim.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}"), 8);
        assertOpenFails(f, "tensor 't': negative dimension -2 in 'shape'");
    }

    @Test
    void shapeProductOverflow() throws IOException {
        Path f = write(dir, "overflow.safetensors",
                oneTensor("{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}"), 8);
        assertOpenFails(f, "tensor 't': element count of shape [4294967296, 4294967296] overflows");
    }

    @Test
    void byteSizeOverflow() throws IOException {
        // 2^62 elements fit in a long, 2^62 * 4 bytes do not.
        Path f = write(dir, "byteoverflow.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,8]}"), 8);
        assertOpenFails(f, "tensor 't': shape [4611686018427387904] x 4 bytes overflows");
    }

    @Test
    void missingDataOffsets() throws IOException {
        Path f = write(dir, "nooffsets.safetensors", oneTensor("{\"dtype\":\"F32\",\"shape\":[2]}"), 8);
        assertOpenFails(f, "tensor 't': missing 'data_offsets'");
    }

    @Test
    void dataOffsetsWrongCount() throws IOException {
        Path f = write(dir, "offsets3.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}"), 8);
        assertOpenFails(f, "tensor 't': 'data_offsets' has 3 values instead of 2");
    }

    @Test
    void dataOffsetsNotIntegers() throws IOException {
        Path f = write(dir, "offsetsstr.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",8]}"), 8);
        assertOpenFails(f, "tensor 't': 'data_offsets'[0] = \"0\" is not a 64-bit integer");
    }

    @Test
    void dataOffsetBeyondLongRange() throws IOException {
        Path f = write(dir, "offsetsbig.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}"), 8);
        assertOpenFails(f, "tensor 't': 'data_offsets'[1] = 99999999999999999999 is not a 64-bit integer");
    }

    @Test
    void negativeDataOffset() throws IOException {
        Path f = write(dir, "offsetsneg.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}"), 8);
        assertOpenFails(f, "tensor 't': negative value in 'data_offsets' [-8, 0]");
    }

    @Test
    void beginAfterEnd() throws IOException {
        Path f = write(dir, "reversed.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}"), 8);
        assertOpenFails(f, "tensor 't': data_offsets begin 8 > end 0");
    }

    @Test
    void endBeyondDataBuffer() throws IOException {
        Path f = write(dir, "pastend.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}"), 8);
        assertOpenFails(f, "tensor 't': data_offsets end 12 is beyond the data buffer of 8 bytes");
    }

    @Test
    void sizeDisagreesWithShape() throws IOException {
        Path f = write(dir, "size.safetensors",
                oneTensor("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}"), 12);
        assertOpenFails(f, "tensor 't': data_offsets [0, 8] hold 8 bytes but F32 shape [3] needs 12");
    }

    @Test
    void overlappingRegions() throws IOException {
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[6],\"data_offsets\":[4,10]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[6],\"data_offsets\":[0,6]}}";
        Path f = write(dir, "overlap.safetensors", header, 10);
        assertOpenFails(f, "tensors 'b' [0, 6) and 'a' [4, 10) overlap");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}";
        Path f = write(dir, "dup.safetensors", header, 4);
        assertOpenFails(f, "header is not valid JSON", "Duplicate field 'a'");
    }

    @Test
    void duplicateFieldInsideEntry() throws IOException {
        Path f = write(dir, "dupfield.safetensors",
                oneTensor("{\"dtype\":\"U8\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,2]}"), 2);
        assertOpenFails(f, "Duplicate field 'dtype'");
    }

    @Test
    void metadataNotAnObject() throws IOException {
        Path f = write(dir, "metaarr.safetensors", "{\"__metadata__\":[\"pt\"]}", 0);
        assertOpenFails(f, "__metadata__ is not a JSON object but ARRAY");
    }

    @Test
    void metadataValueNotString() throws IOException {
        Path f = write(dir, "metanum.safetensors", "{\"__metadata__\":{\"format\":\"pt\",\"step\":7}}", 0);
        assertOpenFails(f, "__metadata__ value of 'step' is not a string but NUMBER");
    }

    private static byte[] leBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }
}
