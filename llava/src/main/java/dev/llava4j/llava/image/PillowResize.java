package dev.llava4j.llava.image;

/**
 * Image resizing that reproduces Pillow's {@code Image.resize} on an 8-bit RGB image byte for byte
 * (libImaging/Resample.c for the convolution filters, Geometry.c for nearest).
 *
 * <p>Convolution filters are separable: a horizontal pass into a temporary 8-bit image, then a vertical pass,
 * each pass rounding (accumulator starts at one half) and clamping to 0..255. A pass whose axis keeps its size
 * is skipped, and an unchanged size returns a copy, as in Pillow.
 */
public final class PillowResize {

    private PillowResize() {
    }

    /** Pillow {@code BICUBIC} (resample 3), the filter CLIP's preprocessing uses. */
    public static RgbImage bicubic(RgbImage image, int width, int height) {
        return convolve(image, width, height, ResampleCoefficients.BICUBIC);
    }

    /** Pillow {@code BILINEAR} (resample 2), with the same antialiasing support widening as bicubic. */
    public static RgbImage bilinear(RgbImage image, int width, int height) {
        return convolve(image, width, height, ResampleCoefficients.BILINEAR);
    }

    /** Pillow {@code NEAREST} (resample 0): source pixel {@code floor((i + 0.5) * in / out)}, accumulated as Pillow does. */
    public static RgbImage nearest(RgbImage image, int width, int height) {
        checkSize(width, height);
        if (width == image.width() && height == image.height()) {
            return copy(image);
        }
        // Pillow walks the source coordinate by repeated addition; do the same so that rounding matches.
        int[] sourceX = nearestIndices(image.width(), width);
        int[] sourceY = nearestIndices(image.height(), height);
        byte[] in = image.rgb();
        byte[] out = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            int rowIn = sourceY[y] * image.width();
            for (int x = 0; x < width; x++) {
                System.arraycopy(in, (rowIn + sourceX[x]) * 3, out, (y * width + x) * 3, 3);
            }
        }
        return new RgbImage(width, height, out);
    }

    /** Resize with any Pillow filter this class supports; LANCZOS, BOX and HAMMING are rejected. */
    public static RgbImage resize(RgbImage image, int width, int height, PillowResample filter) {
        return switch (filter) {
            case NEAREST -> nearest(image, width, height);
            case BILINEAR -> bilinear(image, width, height);
            case BICUBIC -> bicubic(image, width, height);
            case LANCZOS, BOX, HAMMING -> throw new UnsupportedOperationException(
                    "Pillow resample filter " + filter + " (" + filter.code()
                            + ") is not implemented; supported: NEAREST (0), BILINEAR (2), BICUBIC (3)");
        };
    }

    private static RgbImage convolve(RgbImage image, int width, int height, ResampleCoefficients.Filter filter) {
        checkSize(width, height);
        RgbImage result = image;
        if (width != image.width()) {
            result = horizontalPass(result, width, ResampleCoefficients.compute(image.width(), width, filter));
        }
        if (height != image.height()) {
            result = verticalPass(result, height, ResampleCoefficients.compute(image.height(), height, filter));
        }
        return result == image ? copy(image) : result;
    }

    private static RgbImage horizontalPass(RgbImage image, int outWidth, ResampleCoefficients c) {
        int inWidth = image.width();
        int height = image.height();
        byte[] in = image.rgb();
        byte[] out = new byte[outWidth * height * 3];
        int half = 1 << (ResampleCoefficients.PRECISION_BITS - 1);
        for (int y = 0; y < height; y++) {
            int rowIn = y * inWidth * 3;
            int rowOut = y * outWidth * 3;
            for (int x = 0; x < outWidth; x++) {
                int r = half, g = half, b = half;
                int k0 = x * c.stride();
                int p = rowIn + c.first()[x] * 3;
                for (int k = 0; k < c.count()[x]; k++, p += 3) {
                    int w = c.kernel()[k0 + k];
                    r += (in[p] & 0xFF) * w;
                    g += (in[p + 1] & 0xFF) * w;
                    b += (in[p + 2] & 0xFF) * w;
                }
                int q = rowOut + x * 3;
                out[q] = (byte) ResampleCoefficients.clip8(r);
                out[q + 1] = (byte) ResampleCoefficients.clip8(g);
                out[q + 2] = (byte) ResampleCoefficients.clip8(b);
            }
        }
        return new RgbImage(outWidth, height, out);
    }

    private static RgbImage verticalPass(RgbImage image, int outHeight, ResampleCoefficients c) {
        int width = image.width();
        int rowBytes = width * 3;
        byte[] in = image.rgb();
        byte[] out = new byte[rowBytes * outHeight];
        int half = 1 << (ResampleCoefficients.PRECISION_BITS - 1);
        for (int y = 0; y < outHeight; y++) {
            int k0 = y * c.stride();
            int firstRow = c.first()[y];
            int n = c.count()[y];
            for (int i = 0; i < rowBytes; i++) {
                int acc = half;
                int p = firstRow * rowBytes + i;
                for (int k = 0; k < n; k++, p += rowBytes) {
                    acc += (in[p] & 0xFF) * c.kernel()[k0 + k];
                }
                out[y * rowBytes + i] = (byte) ResampleCoefficients.clip8(acc);
            }
        }
        return new RgbImage(width, outHeight, out);
    }

    private static int[] nearestIndices(int inSize, int outSize) {
        // _imaging.c builds the affine matrix from a float box: a0 = (double)(in - 0f) / out.
        double step = (double) (float) inSize / outSize;
        double position = step * 0.5;
        int[] indices = new int[outSize];
        for (int i = 0; i < outSize; i++) {
            // Pillow leaves a pixel unwritten if drift ever pushed it past the edge; clamp instead.
            indices[i] = Math.min((int) position, inSize - 1);
            position += step;
        }
        return indices;
    }

    private static void checkSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
        }
    }

    private static RgbImage copy(RgbImage image) {
        return new RgbImage(image.width(), image.height(), image.rgb().clone());
    }
}
