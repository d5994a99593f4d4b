package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EXIF orientation: parsed from an APP1 segment written here byte by byte, applied only on request. */
class ExifOrientationTest {

    @TempDir
    Path dir;

    /** A 16x8 JPEG (left half red, right half blue) written by ImageIO. */
    private static byte[] plainJpeg() throws IOException {
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, x < 8 ? 0xE01010 : 0x1010E0);
            }
        }
        var out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** APP1 "Exif" segment with a TIFF header and one IFD0 entry: Orientation (0x0112), SHORT, count 1. */
    private static byte[] exifSegment(int orientation, boolean littleEndian) {
        byte[] tiff = littleEndian
                ? new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
                        0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, 0, 0, 0, 0}
                : new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
                        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
        int length = 2 + 6 + tiff.length;
        byte[] segment = new byte[2 + length];
        segment[0] = (byte) 0xFF;
        segment[1] = (byte) 0xE1;
        segment[2] = (byte) (length >> 8);
        segment[3] = (byte) length;
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, segment, 4, 6);
        System.arraycopy(tiff, 0, segment, 10, tiff.length);
        return segment;
    }

    /** The JPEG with the segment inserted right after SOI and the JFIF APP0 segment. */
    private static byte[] withSegment(byte[] jpeg, byte[] segment) {
        int app0Length = ((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF);
        int at = 2 + 2 + app0Length;
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, at);
        System.arraycopy(segment, 0, out, at, segment.length);
        System.arraycopy(jpeg, at, out, at + segment.length, jpeg.length - at);
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void orientationIsReadAndUndoneOnlyWhenAsked(int orientation) throws IOException {
        byte[] plain = plainJpeg();
        byte[] tagged = withSegment(plain, exifSegment(orientation, orientation % 2 == 0));
        assertEquals(orientation, ExifOrientation.read(tagged));
        Path file = Files.write(dir.resolve("o" + orientation + ".jpg"), tagged);

        RgbImage stored = ImageLoader.load(file);
        assertEquals(ImageLoader.decode(plain, "plain", false), stored, "default load ignores EXIF (LLaVA parity)");

        RgbImage upright = ImageLoader.load(file, true);
        ImageTranspose fix = ExifOrientation.correction(orientation);
        assertEquals(fix == null ? stored : fix.apply(stored), upright);
        boolean quarterTurn = orientation >= 5;
        assertEquals(quarterTurn ? 8 : 16, upright.width());
        assertEquals(quarterTurn ? 16 : 8, upright.height());
    }

    @Test
    void orientationSixTurnsClockwise() throws IOException {
        // Stored: red left, blue right. Orientation 6 = rotate 90 degrees clockwise to view: red ends on top.
        Path file = Files.write(dir.resolve("six.jpg"), withSegment(plainJpeg(), exifSegment(6, false)));
        RgbImage upright = ImageLoader.load(file, true);
        assertEquals(8, upright.width());
        assertTrue(upright.sample(4, 2, 0) > 150 && upright.sample(4, 2, 2) < 100, "top is red");
        assertTrue(upright.sample(4, 13, 2) > 150 && upright.sample(4, 13, 0) < 100, "bottom is blue");
    }

    @Test
    void missingOrMalformedExifReadsAsUpright() throws IOException {
        byte[] plain = plainJpeg();
        assertEquals(1, ExifOrientation.read(plain));
        assertEquals(1, ExifOrientation.read(new byte[] {1, 2, 3}));
        assertEquals(1, ExifOrientation.read(withSegment(plain, exifSegment(9, true))));
        byte[] broken = exifSegment(6, false);
        broken[10] = 'X'; // byte-order mark destroyed
        assertEquals(1, ExifOrientation.read(withSegment(plain, broken)));
        byte[] cut = withSegment(plain, exifSegment(6, false));
        assertEquals(1, ExifOrientation.read(java.util.Arrays.copyOf(cut, 30)));
        assertNull(ExifOrientation.correction(1));
    }
}
