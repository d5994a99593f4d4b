package dev.llava4j.llava.image;

/**
 * The result of {@link ClipImageProcessor#process(RgbImage)} with its intermediate images, for tests and
 * debugging.
 *
 * @param input       the image given to the processor (after any LLaVA padding)
 * @param resized     after the resize step (same as input when resizing is off)
 * @param cropped     after the centre crop (same as resized when cropping is off)
 * @param pixelValues float32 CHW {@code [3, height, width]} in R, G, B channel order
 */
public record ProcessedImage(RgbImage input, RgbImage resized, RgbImage cropped, float[] pixelValues) {

    /** Height of {@code pixelValues}. */
    public int height() {
        return cropped.height();
    }

    /** Width of {@code pixelValues}. */
    public int width() {
        return cropped.width();
    }
}
