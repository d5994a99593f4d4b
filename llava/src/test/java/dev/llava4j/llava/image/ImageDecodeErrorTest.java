package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every unreadable input becomes an ImageDecodeException naming the file, never another exception. */
class ImageDecodeErrorTest {

    @TempDir
    Path dir;

    private void assertFailsNamingFile(Path file, String reasonFragment) {
        var e = assertThrows(ImageDecodeException.class, () -> ImageLoader.load(file));
        assertTrue(e.getMessage().contains(file.toString()), "message must name the file: " + e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains(reasonFragment),
                "message must say '" + reasonFragment + "': " + e.getMessage());
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void missingFileAndDirectory() {
        assertFailsNamingFile(dir.resolve("nope.png"), "cannot read");
        assertFailsNamingFile(dir, "cannot read");
    }

    @Test
    void emptyFile() throws IOException {
        assertFailsNamingFile(file("empty.jpg", new byte[0]), "empty");
    }

    @Test
    void textAndRandomBytesAreNotImages() throws IOException {
        assertFailsNamingFile(file("notes.png", "just some text\n".getBytes(StandardCharsets.UTF_8)),
                "not in a recognised image format");
        byte[] noise = new byte[4096];
        new Random(5).nextBytes(noise);
        noise[0] = 0x12; // make sure no magic number matches by chance
        assertFailsNamingFile(file("noise.bin", noise), "not in a recognised image format");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 100, 600, 30_000, 112_000})
    void truncatedJpeg(int length) throws IOException {
        byte[] jpeg = Files.readAllBytes(Fixtures.path("images/rocket.jpg"));
        assertFailsNamingFile(file("cut.jpg", Arrays.copyOf(jpeg, length)), "");
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 40, 2000, 60_000})
    void truncatedPng(int length) throws IOException {
        byte[] png = Files.readAllBytes(Fixtures.path("images/astronaut_crop.png"));
        assertFailsNamingFile(file("cut.png", Arrays.copyOf(png, length)), "");
    }

    @Test
    void corruptPngData() throws IOException {
        byte[] png = Files.readAllBytes(Fixtures.path("images/astronaut_crop.png"));
        for (int i = png.length / 3; i < png.length / 3 + 64; i++) {
            png[i] ^= (byte) 0x5A;
        }
        assertFailsNamingFile(file("corrupt.png", png), "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gif", "bmp"})
    void truncatedGifAndBmp(String format) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_INDEXED);
        Random random = new Random(9);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        byte[] data = ImageLoaderTest.bytesOf(image, format);
        assertFailsNamingFile(file("cut." + format, Arrays.copyOf(data, data.length / 2)), "");
    }

    @Test
    void absurdDeclaredSizeIsRefusedBeforeDecoding() throws IOException {
        assertFailsNamingFile(file("huge.png", pngHeaderOnly(100_000, 100_000)), "size");
    }

    /** A PNG signature plus a valid IHDR chunk (8-bit RGB) and nothing else. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }
}
