package dev.llava4j.llava.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.util.function.IntUnaryOperator;

/**
 * Turns the raw samples of a decoded image into 8-bit RGB the way Pillow's {@code convert("RGB")} does, without
 * any colour management (Java's {@code getRGB} would apply embedded ICC profiles and grey gamma; Pillow does
 * not, so only raster samples are read here).
 *
 * <p>Rules (Pillow Convert.c / Unpack.c): grey is copied to R, G and B; alpha is dropped, not composited;
 * palette indices are looked up; samples narrower than 8 bits scale as {@code v * 255 / max} (integer
 * division); 16-bit colour or grey+alpha samples keep their high byte, but 16-bit grey without alpha opens as
 * Pillow mode "I" and {@code I -> RGB} clamps it to 0..255; CMYK uses {@code cmyk2rgb}.
 */
final class PillowRgbConversion {

    private PillowRgbConversion() {
    }

    static RgbImage fromImage(BufferedImage image, String source) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(raster, icm);
        }
        if (cm instanceof DirectColorModel dcm) {
            return fromPacked(raster, dcm);
        }
        if (cm instanceof ComponentColorModel ccm) {
            int colours = ccm.getNumColorComponents();
            int type = ccm.getColorSpace().getType();
            if (colours == 1 && type == ColorSpace.TYPE_GRAY) {
                return fromGrey(raster, ccm);
            }
            if (colours == 3 && type == ColorSpace.TYPE_RGB) {
                return fromRgb(raster, ccm);
            }
            if (colours == 4 && type == ColorSpace.TYPE_CMYK) {
                return fromCmyk(raster, false);
            }
        }
        throw new ImageDecodeException(source + ": unsupported pixel layout (" + cm.getClass().getSimpleName()
                + ", " + cm.getNumComponents() + " components, colour space type " + cm.getColorSpace().getType()
                + ")");
    }

    /**
     * Pillow's {@code cmyk2rgb} on a 4-band 8-bit CMYK raster; {@code invert} for rasters that hold Adobe-style
     * inverted samples (Pillow opens every CMYK JPEG with raw mode "CMYK;I").
     */
    static RgbImage fromCmyk(Raster raster, boolean invert) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * 4];
        int[] cmyk = new int[4];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 4; c++) {
                    int v = row[x * 4 + c] & 0xFF;
                    cmyk[c] = invert ? 255 - v : v;
                }
                int notBlack = 255 - cmyk[3];
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    out[o + c] = (byte) clip8(notBlack - mulDiv255(cmyk[c], notBlack));
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Pillow's MULDIV255: a rounded {@code a * b / 255} without a division. */
    static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static int clip8(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }

    private static RgbImage fromPalette(Raster raster, IndexColorModel icm) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int index = row[x];
                int o = (y * w + x) * 3;
                if (index < icm.getMapSize()) { // indices past a short palette read as black
                    out[o] = (byte) icm.getRed(index);
                    out[o + 1] = (byte) icm.getGreen(index);
                    out[o + 2] = (byte) icm.getBlue(index);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    private static RgbImage fromPacked(Raster raster, DirectColorModel dcm) {
        int[] bits = {dcm.getComponentSize(0), dcm.getComponentSize(1), dcm.getComponentSize(2)};
        return copyBands(raster, new int[] {0, 1, 2}, v -> v, bits);
    }

    private static RgbImage fromGrey(Raster raster, ComponentColorModel ccm) {
        int bits = ccm.getComponentSize(0);
        if (ccm.getTransferType() == DataBuffer.TYPE_USHORT && bits == 16 && !ccm.hasAlpha()) {
            // Pillow mode "I" (16-bit grey PNG): I -> RGB clamps instead of scaling.
            return copyBands(raster, new int[] {0, 0, 0}, v -> Math.min(v, 255), new int[] {8, 8, 8});
        }
        return copyBands(raster, new int[] {0, 0, 0}, v -> v, new int[] {bits, bits, bits});
    }

    private static RgbImage fromRgb(Raster raster, ComponentColorModel ccm) {
        int[] bits = {ccm.getComponentSize(0), ccm.getComponentSize(1), ccm.getComponentSize(2)};
        return copyBands(raster, new int[] {0, 1, 2}, v -> v, bits);
    }

    /**
     * Copies raster bands {@code bands[0..2]} into R, G, B after {@code map}, narrowing each {@code bits}-wide
     * sample to 8 bits: wider samples keep their high byte, narrower ones scale by {@code 255 / max}.
     */
    private static RgbImage copyBands(Raster raster, int[] bands, IntUnaryOperator map,
                                      int[] bits) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int n = raster.getNumBands();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * n];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    out[o + c] = (byte) to8Bit(map.applyAsInt(row[x * n + bands[c]]), bits[c]);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int to8Bit(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        return bits > 8 ? v >>> (bits - 8) : v * 255 / ((1 << bits) - 1);
    }
}
