package dev.llava4j.cli;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.model.MergedBatch;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.TensorFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./llava4j forward}: one forward pass, writing the intermediate tensors (F32) that parity checks compare:
 * pixel_values [3, S, S], vision.selected [patches, vision_hidden], projector.out [patches, hidden] and
 * logits [merged_seq, vocab].
 */
@Command(name = "forward", description = "Run one forward pass and save pixel_values, vision.selected, projector.out, logits.")
public final class ForwardCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DeviceOption deviceOption;

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "Image file (JPEG, PNG, BMP, GIF).")
    Path image;

    @ArgGroup(multiplicity = "1")
    PromptOrIds input;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Output file.")
    Path out;

    /** Exactly one of --prompt / --input-ids. */
    static final class PromptOrIds {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "A question; the model's template is applied.")
        String prompt;

        @Option(names = "--input-ids", paramLabel = "CSV", description = "Token ids used as given (with the image token).")
        String inputIds;
    }

    @Override
    public Integer call() throws Exception {
        Device device = deviceOption.resolve();
        try (LlavaModel model = modelOptions.load(); GradMode.Guard g = GradMode.noGrad()) {
            LlavaForConditionalGeneration m = model.to(device).module();
            long[] ids = input.inputIds != null ? ModelOptions.parseIds(input.inputIds)
                    : model.tokenize(model.prompt(input.prompt, true));
            Tensor pixels = model.pixelValues(ImageLoader.load(image));
            Tensor selected = m.selectedVisionFeatures(pixels);
            Tensor projected = m.projector().forward(selected);
            MergedBatch batch = MergedBatch.build(m.languageModel(), new long[][]{ids}, null, projected,
                    m.config().imageTokenIndex(), m.config().ignoreIndex(), MergedBatch.Padding.RIGHT);
            Tensor logits = m.logits(batch);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("pixel_values", pixels.squeeze(0));
            tensors.put("vision.selected", selected.squeeze(0).to(DType.F32));
            tensors.put("projector.out", projected.squeeze(0).to(DType.F32));
            tensors.put("logits", logits.squeeze(0).to(DType.F32));
            TensorFiles.write(out, tensors, Map.of("format", "pt", "producer", "llava4j forward"));
            System.err.println("wrote " + out + ": merged sequence " + logits.size(1) + " positions, vocab " + logits.size(2));
            return 0;
        }
    }
}
