package dev.llava4j.cli;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.tensor.DType;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The options every model-loading command shares (picocli mixin). */
public final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "LLaVA checkpoint folder (config.json + safetensors).")
    Path model;

    @Option(names = "--vision-tower", paramLabel = "DIR",
            description = "CLIP folder for original liuhaotian/llava-v1.5 checkpoints, which do not contain the tower.")
    Path visionTower;

    @Option(names = "--dtype", paramLabel = "f32|bf16", description = "Convert the weights to this dtype (default: keep the stored dtype, memory-mapped).")
    String dtype;

    @Option(names = "--image-aspect-ratio", paramLabel = "pad|none",
            description = "pad = LLaVA-1.5's pad-to-square (default, or the checkpoint's image_aspect_ratio); none = plain CLIPImageProcessor.")
    String aspectRatio;

    LlavaModel load() throws IOException {
        return LlavaModel.load(model, new LlavaModel.LoadOptions(visionTower, parseDtype(dtype), parseAspect(aspectRatio)));
    }

    static DType parseDtype(String s) {
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            case "f16", "float16" -> DType.F16;
            default -> throw new IllegalArgumentException("--dtype must be f32, bf16 or f16, got " + s);
        };
    }

    static LlavaImagePipeline.AspectRatio parseAspect(String s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "pad" -> LlavaImagePipeline.AspectRatio.PAD;
            case "none" -> LlavaImagePipeline.AspectRatio.NONE;
            default -> throw new IllegalArgumentException("--image-aspect-ratio must be pad or none, got " + s);
        };
    }

    /** Parses "1,2,3" into ids. */
    static long[] parseIds(String csv) {
        String[] parts = csv.split(",");
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input-ids: '" + parts[i] + "' is not an integer");
            }
        }
        return ids;
    }
}
