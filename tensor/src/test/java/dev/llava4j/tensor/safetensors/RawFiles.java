package dev.llava4j.tensor.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Builds safetensors files byte by byte, so tests can produce exactly the malformation they need. */
final class RawFiles {

    private RawFiles() {
    }

    /** Length prefix + header text (UTF-8, unpadded) + {@code dataBytes} bytes of value 1..n (mod 256). */
    static Path write(Path dir, String name, String header, int dataBytes) throws IOException {
        byte[] data = new byte[dataBytes];
        for (int i = 0; i < dataBytes; i++) {
            data[i] = (byte) (i + 1);
        }
        return write(dir, name, header.getBytes(StandardCharsets.UTF_8), data);
    }

    static Path write(Path dir, String name, byte[] header, byte[] data) throws IOException {
        return writeWithLength(dir, name, header.length, header, data);
    }

    /** Lets the length prefix disagree with the header actually written. */
    static Path writeWithLength(Path dir, String name, long declaredLength, byte[] header, byte[] data)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    /** Opening must fail with a SafetensorsException naming the file and containing every fragment. */
    static SafetensorsException assertOpenFails(Path file, String... fragments) {
        Exception e = assertThrows(Exception.class, () -> SafetensorsFile.open(file).close());
        SafetensorsException se = assertInstanceOf(SafetensorsException.class, e, "wrong exception type: " + e);
        assertTrue(se.getMessage().startsWith(file.toString()), "message does not name the file: " + se.getMessage());
        for (String fragment : fragments) {
            assertTrue(se.getMessage().contains(fragment),
                    "message lacks '" + fragment + "': " + se.getMessage());
        }
        return se;
    }
}
