package dev.llava4j.cli;

import dev.llava4j.llava.image.ClipImageProcessor;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.TensorFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./llava4j preprocess}: the pixel_values a model folder's image processor makes of an image. */
@Command(name = "preprocess", description = "Write pixel_values [3,S,S] of an image (needs only preprocessor_config.json in DIR).")
public final class PreprocessCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Folder with preprocessor_config.json.")
    Path model;

    @Option(names = "--image", required = true, paramLabel = "FILE")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors")
    Path out;

    @Option(names = "--image-aspect-ratio", paramLabel = "pad|none", defaultValue = "pad",
            description = "pad (LLaVA-1.5, default) or none (plain CLIPImageProcessor).")
    String aspectRatio;

    @Override
    public Integer call() throws Exception {
        Path cfg = model.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(cfg)) {
            throw new IllegalArgumentException(model + ": no preprocessor_config.json");
        }
        LlavaImagePipeline pipeline = new LlavaImagePipeline(ClipImageProcessor.fromJson(cfg), ModelOptions.parseAspect(aspectRatio));
        var processed = pipeline.stages(ImageLoader.load(image)).processed();
        Tensor t = Tensor.of(processed.pixelValues(), 3, processed.height(), processed.width());
        TensorFiles.write(out, Map.of("pixel_values", t), Map.of("format", "pt"));
        return 0;
    }
}
