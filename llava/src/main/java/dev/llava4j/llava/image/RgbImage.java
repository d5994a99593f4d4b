package dev.llava4j.llava.image;

import java.util.Arrays;

/**
 * An 8-bit RGB image, rows top to bottom, pixels interleaved R,G,B (HWC layout, like a Pillow "RGB" image
 * as numpy sees it). The array is owned by the image: operations in this package never mutate it.
 *
 * @param width  pixels per row, at least 1
 * @param height rows, at least 1
 * @param rgb    {@code width * height * 3} bytes; read them as unsigned ({@code b & 0xFF})
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb == null || (long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("RGB buffer of " + width + "x" + height + " must hold "
                    + ((long) width * height * 3) + " bytes, got " + (rgb == null ? "null" : rgb.length));
        }
    }

    /** A new image filled with one colour; {@code fill} is {r, g, b} in 0..255. */
    public static RgbImage filled(int width, int height, int[] fill) {
        checkColour(fill);
        byte[] data = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        for (int i = 0; i < data.length; i += 3) {
            data[i] = (byte) fill[0];
            data[i + 1] = (byte) fill[1];
            data[i + 2] = (byte) fill[2];
        }
        return new RgbImage(width, height, data);
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y) as 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    static void checkColour(int[] rgb) {
        if (rgb == null || rgb.length != 3) {
            throw new IllegalArgumentException("colour must have 3 components, got "
                    + (rgb == null ? "null" : Arrays.toString(rgb)));
        }
        for (int v : rgb) {
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("colour component out of 0..255: " + Arrays.toString(rgb));
            }
        }
    }

    // Records compare arrays by identity; images are values, so compare the pixels.
    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && width == other.width && height == other.height
                && Arrays.equals(rgb, other.rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
