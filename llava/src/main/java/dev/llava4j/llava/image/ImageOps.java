package dev.llava4j.llava.image;

/** Geometric operations of the LLaVA / CLIP preprocessing on {@link RgbImage}s. */
public final class ImageOps {

    private ImageOps() {
    }

    /**
     * LLaVA's {@code expand2square}: a square image is returned as is; otherwise the image is pasted on a square
     * canvas of side {@code max(w, h)} filled with {@code background}, centred along the short axis with floor
     * division, so an odd leftover row or column of padding goes to the bottom or right.
     *
     * @param background {r, g, b} in 0..255; LLaVA uses {@link #backgroundFromMean(double[])} of the CLIP mean
     */
    public static RgbImage expandToSquare(RgbImage image, int[] background) {
        RgbImage.checkColour(background);
        int w = image.width();
        int h = image.height();
        if (w == h) {
            return image;
        }
        int side = Math.max(w, h);
        RgbImage canvas = RgbImage.filled(side, side, background);
        int left = w < h ? (h - w) / 2 : 0;
        int top = w > h ? (w - h) / 2 : 0;
        byte[] out = canvas.rgb();
        for (int y = 0; y < h; y++) {
            System.arraycopy(image.rgb(), y * w * 3, out, ((y + top) * side + left) * 3, w * 3);
        }
        return canvas;
    }

    /**
     * The fill colour LLaVA computes from the processor mean: {@code int(m * 255)} per channel (truncation),
     * (122, 116, 104) for the OpenAI CLIP mean.
     */
    public static int[] backgroundFromMean(double[] mean) {
        if (mean == null || mean.length != 3) {
            throw new IllegalArgumentException("image mean must have 3 channels");
        }
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
            double v = mean[c] * 255;
            if (!(v >= 0 && v < 256)) {
                throw new IllegalArgumentException("image mean[" + c + "] = " + mean[c] + " is outside [0, 1]");
            }
            rgb[c] = (int) v;
        }
        return rgb;
    }

    /**
     * Centre crop as Hugging Face {@code image_transforms.center_crop}: the window starts at
     * {@code floor((size - crop) / 2)} on each axis; where the image is smaller than the crop, the missing
     * pixels are zeros (black), which is what its zero-padding branch produces.
     */
    public static RgbImage centerCrop(RgbImage image, int cropHeight, int cropWidth) {
        if (cropHeight < 1 || cropWidth < 1) {
            throw new IllegalArgumentException("crop size must be positive, got " + cropHeight + "x" + cropWidth);
        }
        if (cropHeight == image.height() && cropWidth == image.width()) {
            return image;
        }
        int top = Math.floorDiv(image.height() - cropHeight, 2);
        int left = Math.floorDiv(image.width() - cropWidth, 2);
        byte[] out = new byte[cropHeight * cropWidth * 3];
        // Copy the overlap of the crop window with the image, row by row; the rest stays 0.
        int x0 = Math.max(0, -left);
        int x1 = Math.min(cropWidth, image.width() - left);
        for (int y = 0; y < cropHeight; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= image.height() || x1 <= x0) {
                continue;
            }
            System.arraycopy(image.rgb(), (sy * image.width() + left + x0) * 3,
                    out, (y * cropWidth + x0) * 3, (x1 - x0) * 3);
        }
        return new RgbImage(cropWidth, cropHeight, out);
    }
}
