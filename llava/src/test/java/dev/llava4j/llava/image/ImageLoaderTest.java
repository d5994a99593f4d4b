package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding and Pillow-style RGB conversion of files written here with ImageIO. */
class ImageLoaderTest {

    @TempDir
    Path dir;

    private Path write(BufferedImage image, String format, String name) throws IOException {
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(image, format, file.toFile()), "ImageIO has no " + format + " writer");
        return file;
    }

    private static void assertPixel(RgbImage image, int x, int y, int r, int g, int b) {
        assertArrayEquals(new int[] {r, g, b},
                new int[] {image.sample(x, y, 0), image.sample(x, y, 1), image.sample(x, y, 2)},
                "pixel (" + x + ", " + y + ")");
    }

    @Test
    void greyPngIsReplicatedToRgb() throws IOException {
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 37, 200, 255});
        RgbImage rgb = ImageLoader.load(write(grey, "png", "grey.png"));
        assertPixel(rgb, 1, 0, 37, 37, 37);
        assertPixel(rgb, 2, 0, 200, 200, 200);
        assertPixel(rgb, 3, 0, 255, 255, 255);
    }

    @Test
    void sixteenBitGreyPngClampsLikePillowModeI() throws IOException {
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setPixels(0, 0, 4, 1, new int[] {100, 300, 65535, 0});
        RgbImage rgb = ImageLoader.load(write(grey, "png", "grey16.png"));
        assertPixel(rgb, 0, 0, 100, 100, 100);
        assertPixel(rgb, 1, 0, 255, 255, 255);
        assertPixel(rgb, 2, 0, 255, 255, 255);
        assertPixel(rgb, 3, 0, 0, 0, 0);
    }

    @Test
    void sixteenBitRgbPngKeepsTheHighByte() throws IOException {
        var cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixels(0, 0, 2, 1, new int[] {0x1234, 0xFFFF, 0x00FF, 0x8000, 0x7FFF, 0x0100});
        RgbImage rgb = ImageLoader.load(write(new BufferedImage(cm, raster, false, null), "png", "rgb16.png"));
        assertPixel(rgb, 0, 0, 0x12, 0xFF, 0x00);
        assertPixel(rgb, 1, 0, 0x80, 0x7F, 0x01);
    }

    @Test
    void rgbaPngDropsAlphaWithoutCompositing() throws IOException {
        BufferedImage rgba = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x000A141E); // fully transparent (10, 20, 30)
        rgba.setRGB(1, 0, 0x80C86432); // half transparent (200, 100, 50)
        rgba.setRGB(2, 0, 0xFF010203);
        RgbImage rgb = ImageLoader.load(write(rgba, "png", "rgba.png"));
        assertPixel(rgb, 0, 0, 10, 20, 30);
        assertPixel(rgb, 1, 0, 200, 100, 50);
        assertPixel(rgb, 2, 0, 1, 2, 3);
    }

    private static IndexColorModel palette(int bits) {
        int n = 1 << bits;
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            r[i] = (byte) (i * 37 + 5);
            g[i] = (byte) (250 - i * 11);
            b[i] = (byte) (i * i);
        }
        return new IndexColorModel(bits, n, r, g, b);
    }

    private static BufferedImage indexed(IndexColorModel cm, int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
        Random random = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(cm.getMapSize()));
            }
        }
        return image;
    }

    private static void assertPaletteLookup(BufferedImage source, RgbImage rgb) {
        IndexColorModel cm = (IndexColorModel) source.getColorModel();
        for (int y = 0; y < source.getHeight(); y++) {
            for (int x = 0; x < source.getWidth(); x++) {
                int i = source.getRaster().getSample(x, y, 0);
                assertPixel(rgb, x, y, cm.getRed(i), cm.getGreen(i), cm.getBlue(i));
            }
        }
    }

    @Test
    void palettePngIsLookedUp() throws IOException {
        BufferedImage image = indexed(palette(8), 7, 5, 1);
        assertPaletteLookup(image, ImageLoader.load(write(image, "png", "palette.png")));
    }

    @Test
    void gifFirstFrameRoundTrip() throws IOException {
        BufferedImage image = indexed(palette(4), 9, 6, 2);
        RgbImage rgb = ImageLoader.load(write(image, "gif", "image.gif"));
        assertEquals(9, rgb.width());
        assertEquals(6, rgb.height());
        assertPaletteLookup(image, rgb);
    }

    @Test
    void bmpRoundTrip() throws IOException {
        BufferedImage image = new BufferedImage(5, 3, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(3);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        RgbImage rgb = ImageLoader.load(write(image, "bmp", "image.bmp"));
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int p = image.getRGB(x, y);
                assertPixel(rgb, x, y, (p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF);
            }
        }
    }

    @Test
    void pngFixtureWithIccProfileIsNotColourManaged() {
        // llava-tiny/image.raw is Pillow's decode of image.png; astronaut.png (with an ICC profile) is checked
        // through its byte-exact resize in LlavaFixturePipelineTest.
        RgbImage image = ImageLoader.load(Fixtures.path("llava-tiny/image.png"), true);
        assertEquals(Fixtures.tensors("llava-tiny/expected.safetensors").image("image.raw"), image);
    }

    @Test
    void unsupportedFormatIsNamed() throws IOException {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
        Path tiff = write(image, "tiff", "image.tiff");
        var e = assertThrows(ImageDecodeException.class, () -> ImageLoader.load(tiff));
        assertTrue(e.getMessage().contains("image.tiff") && e.getMessage().contains("tif"), e.getMessage());
    }

    /** The encoded bytes ImageIO writes for {@code image}. */
    static byte[] bytesOf(BufferedImage image, String format) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}
