package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** expand2square, centre crop and the transpositions on small hand-made images. */
class ImageOpsTest {

    private static final int[] BG = {122, 116, 104};

    /** Image whose red channel numbers the pixels 1..w*h in row-major order; green 0, blue 200. */
    private static RgbImage numbered(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[3 * i] = (byte) (i + 1);
            rgb[3 * i + 2] = (byte) 200;
        }
        return new RgbImage(w, h, rgb);
    }

    /** Red channel of every pixel, row-major. */
    private static int[] reds(RgbImage image) {
        int[] out = new int[image.width() * image.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = image.rgb()[3 * i] & 0xFF;
        }
        return out;
    }

    @Test
    void backgroundIsTruncatedMeanTimes255() {
        assertArrayEquals(BG, ImageOps.backgroundFromMean(ClipProcessorConfig.OPENAI_CLIP_MEAN));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.backgroundFromMean(new double[] {0.5, 2, 0}));
    }

    @Test
    void portraitIsCentredHorizontallyWithOddPaddingOnTheRight() {
        RgbImage square = ImageOps.expandToSquare(numbered(1, 4), BG); // (4 - 1) // 2 = 1 column on the left
        assertEquals(4, square.width());
        assertEquals(4, square.height());
        assertArrayEquals(new int[] {122, 1, 122, 122, 122, 2, 122, 122, 122, 3, 122, 122, 122, 4, 122, 122},
                reds(square));
        assertEquals(104, square.sample(3, 0, 2));
        assertEquals(200, square.sample(1, 0, 2));
    }

    @Test
    void landscapeIsCentredVertically() {
        RgbImage square = ImageOps.expandToSquare(numbered(3, 1), BG); // (3 - 1) // 2 = 1 row on top
        assertArrayEquals(new int[] {122, 122, 122, 1, 2, 3, 122, 122, 122}, reds(square));
        assertEquals(116, square.sample(0, 2, 1));
    }

    @Test
    void squareImageIsReturnedUnchanged() {
        RgbImage image = numbered(2, 2);
        assertSame(image, ImageOps.expandToSquare(image, BG));
    }

    @Test
    void centreCropUsesFloorOffsets() {
        // 5x4 -> 2x2: top = (4 - 2) // 2 = 1, left = (5 - 2) // 2 = 1
        RgbImage crop = ImageOps.centerCrop(numbered(5, 4), 2, 2);
        assertArrayEquals(new int[] {7, 8, 12, 13}, reds(crop));
    }

    @Test
    void centreCropPadsWithZerosWhenTheImageIsSmaller() {
        // 2x1 -> 4x3: top = floor((1 - 3) / 2) = -1, left = floor((2 - 4) / 2) = -1
        RgbImage crop = ImageOps.centerCrop(numbered(2, 1), 3, 4);
        assertEquals(4, crop.width());
        assertEquals(3, crop.height());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0}, reds(crop));
        assertEquals(0, crop.sample(0, 0, 2));
        assertEquals(200, crop.sample(1, 1, 2));
    }

    @Test
    void centreCropMixedAxes() {
        // 1x5 -> 3x1: rows (5 - 1) // 2 = 2; columns pad: left = floor((1 - 3) / 2) = -1
        RgbImage crop = ImageOps.centerCrop(numbered(1, 5), 1, 3);
        assertArrayEquals(new int[] {0, 3, 0}, reds(crop));
    }

    @Test
    void transposesMatchPillowDefinitions() {
        RgbImage image = numbered(3, 2); // 1 2 3 / 4 5 6
        assertArrayEquals(new int[] {3, 2, 1, 6, 5, 4}, reds(ImageTranspose.FLIP_LEFT_RIGHT.apply(image)));
        assertArrayEquals(new int[] {4, 5, 6, 1, 2, 3}, reds(ImageTranspose.FLIP_TOP_BOTTOM.apply(image)));
        assertArrayEquals(new int[] {6, 5, 4, 3, 2, 1}, reds(ImageTranspose.ROTATE_180.apply(image)));
        // counter-clockwise quarter turn: 3 6 / 2 5 / 1 4
        assertArrayEquals(new int[] {3, 6, 2, 5, 1, 4}, reds(ImageTranspose.ROTATE_90.apply(image)));
        // clockwise quarter turn: 4 1 / 5 2 / 6 3
        assertArrayEquals(new int[] {4, 1, 5, 2, 6, 3}, reds(ImageTranspose.ROTATE_270.apply(image)));
        assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, reds(ImageTranspose.TRANSPOSE.apply(image)));
        assertArrayEquals(new int[] {6, 3, 5, 2, 4, 1}, reds(ImageTranspose.TRANSVERSE.apply(image)));
        RgbImage turned = ImageTranspose.ROTATE_90.apply(image);
        assertEquals(2, turned.width());
        assertEquals(3, turned.height());
    }

    @Test
    void imageRejectsInconsistentBuffers() {
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 2, new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(0, 2, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> RgbImage.filled(1, 1, new int[] {0, 256, 0}));
    }
}
