package dev.llava4j.llava.image;

import java.nio.file.Path;
import java.util.Locale;

/**
 * LLaVA-1.5's image path: load, optionally pad to a square with the mean colour ({@code image_aspect_ratio
 * "pad"}, used for stage-2 training and every evaluation), then the CLIP processor.
 */
public final class LlavaImagePipeline {

    /** LLaVA's {@code image_aspect_ratio} choices that this pipeline implements. */
    public enum AspectRatio {
        /** {@code "pad"}: expand2square with {@code int(mean * 255)}, then the processor. */
        PAD,
        /** Plain processor (LLaVA's default {@code "square"}, llava-hf's processor): resize + centre crop. */
        NONE;

        /** Maps LLaVA's config value: "pad" -> PAD; "square", null or "" -> NONE; anything else is an error. */
        public static AspectRatio fromConfigValue(String value) {
            if (value == null || value.isEmpty() || value.equals("square")) {
                return NONE;
            }
            if (value.equals("pad")) {
                return PAD;
            }
            throw new IllegalArgumentException("image_aspect_ratio \"" + value
                    + "\" is not supported (expected \"pad\" or \"square\")");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** All stages of one image through the pipeline. */
    public record Stages(RgbImage original, RgbImage padded, ProcessedImage processed) {
    }

    private final ClipImageProcessor processor;
    private final AspectRatio aspectRatio;
    private final int[] background;

    public LlavaImagePipeline(ClipImageProcessor processor, AspectRatio aspectRatio) {
        this.processor = processor;
        this.aspectRatio = aspectRatio;
        this.background = ImageOps.backgroundFromMean(processor.config().imageMean());
    }

    public AspectRatio aspectRatio() {
        return aspectRatio;
    }

    /** The padding colour, {@code int(mean * 255)} per channel. */
    public int[] background() {
        return background.clone();
    }

    /** Pixel values {@code [3, H, W]} for an image file (no EXIF rotation, as LLaVA). */
    public float[] pixelValues(Path imageFile) {
        return pixelValues(ImageLoader.load(imageFile));
    }

    /** Pixel values {@code [3, H, W]} for a decoded image. */
    public float[] pixelValues(RgbImage image) {
        return stages(image).processed().pixelValues();
    }

    /** Every intermediate image and the pixel values. */
    public Stages stages(RgbImage image) {
        RgbImage padded = aspectRatio == AspectRatio.PAD ? ImageOps.expandToSquare(image, background) : image;
        return new Stages(image, padded, processor.process(padded));
    }
}
