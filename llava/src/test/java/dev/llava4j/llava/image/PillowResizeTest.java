package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Resize rules checked by hand on tiny images (the bicubic path is checked byte-exact against Pillow in
 * {@link LlavaFixturePipelineTest} and {@link LlavaTinyImageTest}).
 */
class PillowResizeTest {

    /** A one-row grey image from sample values. */
    private static RgbImage row(int... values) {
        byte[] rgb = new byte[values.length * 3];
        for (int i = 0; i < values.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) values[i];
        }
        return new RgbImage(values.length, 1, rgb);
    }

    private static int[] reds(RgbImage image) {
        int[] out = new int[image.width() * image.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = image.rgb()[3 * i] & 0xFF;
        }
        return out;
    }

    @Test
    void bilinearUpscaleOfTwoPixels() {
        // Weights (0.75, 0.25) -> 63.75 -> 64 and 191.25 -> 191; the edge pixels see one input only.
        assertArrayEquals(new int[] {0, 64, 191, 255}, reds(PillowResize.bilinear(row(0, 255), 4, 1)));
    }

    @Test
    void bicubicUpscaleOvershootIsClamped() {
        // Hand-computed Keys weights: outer pixels overshoot (-22.5 -> 0, 277.5 -> 255); inner 0.2071 * 255.
        assertArrayEquals(new int[] {0, 53, 202, 255}, reds(PillowResize.bicubic(row(0, 255), 4, 1)));
    }

    @Test
    void bicubicDownscaleAveragesWithWidenedSupport() {
        // 4 -> 2 of a constant row stays constant (weights sum to one after normalisation).
        assertArrayEquals(new int[] {77, 77}, reds(PillowResize.bicubic(row(77, 77, 77, 77), 2, 1)));
    }

    @Test
    void verticalOnlyResizeUsesTheSameKernelAsHorizontal() {
        RgbImage column = new RgbImage(1, 2, new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        RgbImage resized = PillowResize.bilinear(column, 1, 4);
        assertEquals(1, resized.width());
        assertArrayEquals(new int[] {0, 64, 191, 255}, reds(resized));
    }

    @Test
    void nearestPicksFloorOfCentre() {
        // floor((i + 0.5) * 5 / 2) = 1, 3
        assertArrayEquals(new int[] {20, 40}, reds(PillowResize.nearest(row(10, 20, 30, 40, 50), 2, 1)));
        // upscale: floor((i + 0.5) / 2) = 0, 0, 1, 1
        assertArrayEquals(new int[] {10, 10, 20, 20}, reds(PillowResize.nearest(row(10, 20), 4, 1)));
    }

    @Test
    void unchangedSizeReturnsAnEqualCopy() {
        RgbImage image = row(1, 2, 3);
        RgbImage same = PillowResize.resize(image, 3, 1, PillowResample.BICUBIC);
        assertEquals(image, same);
        assertNotSame(image.rgb(), same.rgb());
    }

    @Test
    void channelsAreResampledIndependently() {
        RgbImage image = new RgbImage(2, 1, new byte[] {0, 100, (byte) 255, (byte) 255, 100, 0});
        RgbImage out = PillowResize.bilinear(image, 4, 1);
        assertEquals(64, out.sample(1, 0, 0));
        assertEquals(100, out.sample(1, 0, 1));
        assertEquals(191, out.sample(1, 0, 2));
    }

    @Test
    void unsupportedFiltersAndSizesAreRejected() {
        var e = assertThrows(UnsupportedOperationException.class,
                () -> PillowResize.resize(row(1, 2), 4, 1, PillowResample.LANCZOS));
        assertTrue(e.getMessage().contains("LANCZOS"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PillowResize.bicubic(row(1, 2), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> PillowResample.fromCode(7));
        assertEquals(PillowResample.BICUBIC, PillowResample.fromCode(3));
    }
}
