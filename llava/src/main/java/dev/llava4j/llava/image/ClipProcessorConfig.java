package dev.llava4j.llava.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The settings of a Hugging Face {@code CLIPImageProcessor}, read from {@code preprocessor_config.json}. Missing
 * fields take the transformers 4.40 class defaults (CLIP at 224 px); present fields must have the right type.
 *
 * @param resizeTarget  where {@code do_resize} scales the image to (null when {@code do_resize} is false)
 * @param resample      Pillow filter of the resize
 * @param cropHeight    centre crop height (ignored when {@code doCenterCrop} is false)
 * @param rescaleFactor multiplier applied in double precision before the cast to float
 * @param imageMean     per-channel mean, as written in the JSON (double); normalisation casts it to float
 * @param imageStd      per-channel std, as written in the JSON (double)
 * @param doConvertRgb  accepted for completeness: {@link RgbImage}s are always RGB already
 */
public record ClipProcessorConfig(
        ResizeTarget resizeTarget,
        PillowResample resample,
        boolean doCenterCrop,
        int cropHeight,
        int cropWidth,
        boolean doRescale,
        double rescaleFactor,
        boolean doNormalize,
        double[] imageMean,
        double[] imageStd,
        boolean doConvertRgb) {

    /** OpenAI CLIP normalisation constants (transformers {@code OPENAI_CLIP_MEAN} / {@code OPENAI_CLIP_STD}). */
    public static final double[] OPENAI_CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    public static final double[] OPENAI_CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    /** Target of the resize step. */
    public sealed interface ResizeTarget permits ShortestEdge, FixedSize {
    }

    /** {@code size: {"shortest_edge": n}}: short side to n, long side {@code int(n * long / short)}. */
    public record ShortestEdge(int edge) implements ResizeTarget {
        public ShortestEdge {
            requirePositive(edge, "size.shortest_edge");
        }
    }

    /** {@code size: {"height": h, "width": w}}: resize to exactly h x w. */
    public record FixedSize(int height, int width) implements ResizeTarget {
        public FixedSize {
            requirePositive(height, "size.height");
            requirePositive(width, "size.width");
        }
    }

    public ClipProcessorConfig {
        if (resample == null) {
            throw new IllegalArgumentException("resample must not be null");
        }
        if (doCenterCrop) {
            requirePositive(cropHeight, "crop_size.height");
            requirePositive(cropWidth, "crop_size.width");
        }
        checkChannels(imageMean, "image_mean");
        checkChannels(imageStd, "image_std");
        for (int c = 0; c < 3; c++) {
            if (!(imageStd[c] != 0)) {
                throw new IllegalArgumentException("image_std[" + c + "] must be non-zero, got " + imageStd[c]);
            }
        }
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    /** The processor LLaVA-1.5 uses: {@code openai/clip-vit-large-patch14-336} at {@code size} px. */
    public static ClipProcessorConfig openAiClip(int size) {
        return new ClipProcessorConfig(new ShortestEdge(size), PillowResample.BICUBIC, true, size, size,
                true, 1.0 / 255, true, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD, true);
    }

    /** Reads a {@code preprocessor_config.json}; errors name the file and the field. */
    public static ClipProcessorConfig fromJson(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read preprocessor config " + file + ": " + e.getMessage(), e);
        }
        return fromJson(root, file.toString());
    }

    /** Builds the config from a parsed JSON object; {@code source} names it in error messages. */
    public static ClipProcessorConfig fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": preprocessor config must be a JSON object");
        }
        try {
            return parse(new JsonFields(root, source));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static ClipProcessorConfig parse(JsonFields f) {
        String type = f.text("image_processor_type", "CLIPImageProcessor");
        if (!type.equals("CLIPImageProcessor")) {
            throw f.error("image_processor_type", "expected CLIPImageProcessor, got " + type);
        }
        boolean doResize = f.bool("do_resize", true);
        ResizeTarget target = doResize ? resizeTarget(f) : null;
        PillowResample resample = PillowResample.fromCode(f.integer("resample", PillowResample.BICUBIC.code()));
        boolean doCenterCrop = f.bool("do_center_crop", true);
        int[] crop = cropSize(f);
        return new ClipProcessorConfig(target, resample, doCenterCrop, crop[0], crop[1],
                f.bool("do_rescale", true), f.number("rescale_factor", 1.0 / 255),
                f.bool("do_normalize", true), f.numbers("image_mean", OPENAI_CLIP_MEAN),
                f.numbers("image_std", OPENAI_CLIP_STD), f.bool("do_convert_rgb", true));
    }

    private static ResizeTarget resizeTarget(JsonFields f) {
        JsonNode size = f.node("size");
        if (size == null) {
            return new ShortestEdge(224);
        }
        if (size.isInt()) { // transformers' get_size_dict(int, default_to_square=False)
            return new ShortestEdge(size.intValue());
        }
        if (size.isObject() && size.has("shortest_edge") && size.size() == 1) {
            return new ShortestEdge(JsonFields.intField(size, "shortest_edge", f.error("size", "bad shortest_edge")));
        }
        if (size.isObject() && size.has("height") && size.has("width") && size.size() == 2) {
            IllegalArgumentException bad = f.error("size", "height/width must be integers");
            return new FixedSize(JsonFields.intField(size, "height", bad), JsonFields.intField(size, "width", bad));
        }
        throw f.error("size", "expected an integer, {\"shortest_edge\": n} or {\"height\": h, \"width\": w}, got "
                + size);
    }

    private static int[] cropSize(JsonFields f) {
        JsonNode crop = f.node("crop_size");
        if (crop == null) {
            return new int[] {224, 224};
        }
        if (crop.isInt()) { // get_size_dict(int, default_to_square=True)
            return new int[] {crop.intValue(), crop.intValue()};
        }
        if (crop.isObject() && crop.has("height") && crop.has("width") && crop.size() == 2) {
            IllegalArgumentException bad = f.error("crop_size", "height/width must be integers");
            return new int[] {JsonFields.intField(crop, "height", bad), JsonFields.intField(crop, "width", bad)};
        }
        throw f.error("crop_size", "expected an integer or {\"height\": h, \"width\": w}, got " + crop);
    }

    private static void requirePositive(int value, String field) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    private static void checkChannels(double[] values, String field) {
        if (values == null || values.length != 3) {
            throw new IllegalArgumentException(field + " must have 3 values (R, G, B), got "
                    + (values == null ? "null" : Arrays.toString(values)));
        }
    }

    @Override
    public double[] imageMean() {
        return imageMean.clone();
    }

    @Override
    public double[] imageStd() {
        return imageStd.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClipProcessorConfig c && Objects.equals(resizeTarget, c.resizeTarget)
                && resample == c.resample && doCenterCrop == c.doCenterCrop && cropHeight == c.cropHeight
                && cropWidth == c.cropWidth && doRescale == c.doRescale
                && Double.compare(rescaleFactor, c.rescaleFactor) == 0 && doNormalize == c.doNormalize
                && Arrays.equals(imageMean, c.imageMean) && Arrays.equals(imageStd, c.imageStd)
                && doConvertRgb == c.doConvertRgb;
    }

    @Override
    public int hashCode() {
        return Objects.hash(resizeTarget, resample, cropHeight, cropWidth, rescaleFactor,
                Arrays.hashCode(imageMean), Arrays.hashCode(imageStd));
    }

    @Override
    public String toString() {
        return "ClipProcessorConfig[resize=" + resizeTarget + ", resample=" + resample + ", centerCrop="
                + (doCenterCrop ? cropHeight + "x" + cropWidth : "off") + ", rescale="
                + (doRescale ? rescaleFactor : "off") + ", normalize=" + (doNormalize
                ? "mean " + Arrays.toString(imageMean) + " std " + Arrays.toString(imageStd) : "off") + "]";
    }
}
