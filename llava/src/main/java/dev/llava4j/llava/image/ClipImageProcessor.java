package dev.llava4j.llava.image;

import java.nio.file.Path;

/**
 * Hugging Face {@code CLIPImageProcessor.preprocess} (transformers 4.40) for one RGB image: resize with Pillow,
 * centre crop, rescale, normalise, channels first. The arithmetic matches numpy's: {@code x * rescale_factor} in
 * double, cast to float, then {@code (x - mean) / std} in float with mean and std cast to float.
 */
public final class ClipImageProcessor {

    private final ClipProcessorConfig config;
    /** {@code lookup[c][v]}: the final float for sample value v of channel c (every step is per value). */
    private final float[][] lookup = new float[3][256];

    public ClipImageProcessor(ClipProcessorConfig config) {
        this.config = config;
        double[] mean = config.imageMean();
        double[] std = config.imageStd();
        for (int c = 0; c < 3; c++) {
            float m = (float) mean[c];
            float s = (float) std[c];
            for (int v = 0; v < 256; v++) {
                float x = config.doRescale() ? (float) (v * config.rescaleFactor()) : (float) v;
                lookup[c][v] = config.doNormalize() ? (x - m) / s : x;
            }
        }
    }

    /** A processor configured from a {@code preprocessor_config.json}. */
    public static ClipImageProcessor fromJson(Path preprocessorConfig) {
        return new ClipImageProcessor(ClipProcessorConfig.fromJson(preprocessorConfig));
    }

    public ClipProcessorConfig config() {
        return config;
    }

    /** The pixel values {@code [3, H, W]} (CHW, float32) of {@code image}. */
    public float[] preprocess(RgbImage image) {
        return process(image).pixelValues();
    }

    /** The pixel values together with the resized and cropped intermediate images. */
    public ProcessedImage process(RgbImage image) {
        RgbImage resized = image;
        if (config.resizeTarget() != null) {
            int[] hw = resizedSize(image.height(), image.width());
            resized = PillowResize.resize(image, hw[1], hw[0], config.resample());
        }
        RgbImage cropped = config.doCenterCrop()
                ? ImageOps.centerCrop(resized, config.cropHeight(), config.cropWidth())
                : resized;
        return new ProcessedImage(image, resized, cropped, toChw(cropped));
    }

    /**
     * The {height, width} the resize step produces for an input of that size: transformers'
     * {@code get_resize_output_image_size} (shortest edge: long side {@code int(edge * long / short)}).
     */
    public int[] resizedSize(int height, int width) {
        return switch (config.resizeTarget()) {
            case ClipProcessorConfig.FixedSize f -> new int[] {f.height(), f.width()};
            case ClipProcessorConfig.ShortestEdge s -> {
                int shortSide = Math.min(height, width);
                int longSide = Math.max(height, width);
                int newLong = (int) ((double) ((long) s.edge() * longSide) / shortSide);
                yield width <= height ? new int[] {newLong, s.edge()} : new int[] {s.edge(), newLong};
            }
            case null -> new int[] {height, width};
        };
    }

    private float[] toChw(RgbImage image) {
        int plane = image.width() * image.height();
        float[] out = new float[3 * plane];
        byte[] rgb = image.rgb();
        for (int i = 0; i < plane; i++) {
            out[i] = lookup[0][rgb[3 * i] & 0xFF];
            out[plane + i] = lookup[1][rgb[3 * i + 1] & 0xFF];
            out[2 * plane + i] = lookup[2][rgb[3 * i + 2] & 0xFF];
        }
        return out;
    }
}
