package dev.llava4j.cli;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.generate.GenerationResult;
import dev.llava4j.llava.generate.TokenListener;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.RgbImage;
import dev.llava4j.tensor.Device;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code ./llava4j generate}: answer one prompt about one image. */
@Command(name = "generate", description = "Answer a prompt about an image; --json prints {\"ids\":[...],\"text\":\"...\"}.")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DeviceOption deviceOption;

    @Mixin
    GenerationFlags flags;

    @Option(names = "--image", paramLabel = "FILE", description = "Image file (omit for a text-only prompt).")
    Path image;

    @ArgGroup(multiplicity = "1")
    ForwardCommand.PromptOrIds input;

    @Option(names = "--json", description = "Print one JSON line with the new token ids and their text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Device device = deviceOption.resolve();
        try (LlavaModel model = modelOptions.load()) {
            model.to(device);
            RgbImage img = image == null ? null : ImageLoader.load(image);
            long[] ids = input.inputIds != null ? ModelOptions.parseIds(input.inputIds)
                    : model.tokenize(model.prompt(input.prompt, img != null));
            TokenListener stream = json ? TokenListener.NONE : (s, id, delta) -> {
                System.out.print(delta);
                System.out.flush();
            };
            GenerationResult r = model.generateIds(ids, img, flags.options(), stream);
            if (json) {
                System.out.println("{\"ids\":" + Arrays.toString(r.ids()).replace(" ", "") + ",\"text\":"
                        + JsonText.quote(r.text()) + "}");
            } else {
                System.out.println();
            }
            return 0;
        }
    }
}
