package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;

/** Pillow's cmyk2rgb arithmetic, computed by hand (no CMYK file can be written with the JDK). */
class PillowRgbConversionTest {

    private static Raster cmyk(int... samples) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, samples.length / 4, 1, 4, null);
        raster.setPixels(0, 0, samples.length / 4, 1, samples);
        return raster;
    }

    @Test
    void cmykToRgbMatchesHandComputedValues() {
        // nk = 255 - 50 = 205; R = 205 - MULDIV255(100, 205) = 205 - 80; B = 205 - MULDIV255(255, 205) = 0
        RgbImage rgb = PillowRgbConversion.fromCmyk(cmyk(100, 0, 255, 50, 0, 0, 0, 0, 9, 9, 9, 255), false);
        assertArrayEquals(new byte[] {125, (byte) 205, 0, (byte) 255, (byte) 255, (byte) 255, 0, 0, 0}, rgb.rgb());
    }

    @Test
    void invertedCmykIsUninvertedFirst() {
        RgbImage rgb = PillowRgbConversion.fromCmyk(cmyk(155, 255, 0, 205), true);
        assertArrayEquals(new byte[] {125, (byte) 205, 0}, rgb.rgb());
    }

    @Test
    void mulDiv255RoundsLikeADivision() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                assertEquals(Math.round(a * b / 255.0), PillowRgbConversion.mulDiv255(a, b), a + " * " + b);
            }
        }
    }
}
