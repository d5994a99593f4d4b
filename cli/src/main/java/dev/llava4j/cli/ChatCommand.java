package dev.llava4j.cli;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.Conversation;
import dev.llava4j.llava.generate.GenerationResult;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.RgbImage;
import dev.llava4j.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ./llava4j chat}: an interactive multi-turn conversation that streams the answer. {@code /image PATH}
 * switches the image (and starts a new conversation); Ctrl-D quits.
 */
@Command(name = "chat", description = "Interactive chat about an image; /image PATH switches image, Ctrl-D quits.")
public final class ChatCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DeviceOption deviceOption;

    @Mixin
    GenerationFlags flags;

    @Option(names = "--image", paramLabel = "FILE", description = "The image to talk about.")
    Path image;

    @Override
    public Integer call() throws Exception {
        Device device = deviceOption.resolve();
        try (LlavaModel model = modelOptions.load()) {
            model.to(device);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            RgbImage img = image == null ? null : ImageLoader.load(image);
            Conversation conv = newConversation(model);
            System.out.println("llava4j chat — " + (img == null ? "no image" : "image " + image)
                    + ". Type a question; /image PATH to switch image; Ctrl-D to quit.");
            while (true) {
                System.out.print("USER: ");
                System.out.flush();
                String line = in.readLine();
                if (line == null) {
                    System.out.println();
                    return 0;
                }
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("/image ")) {
                    Path p = Path.of(line.substring(7).strip());
                    try {
                        img = ImageLoader.load(p);
                        conv = newConversation(model);
                        System.out.println("(image " + p + "; new conversation)");
                    } catch (RuntimeException e) {
                        System.out.println("(cannot use that image: " + e.getMessage() + ")");
                    }
                    continue;
                }
                boolean first = conv.turns().isEmpty();
                String user = first && img != null ? "<image>\n" + line : line;
                String prompt = withTurns(conv).appendUser(user).appendGenerationSlot().prompt();
                System.out.print("ASSISTANT: ");
                GenerationResult r = model.generateIds(model.tokenize(prompt), img,
                        flags.options(), (s, id, delta) -> {
                            System.out.print(delta);
                            System.out.flush();
                        });
                System.out.println();
                conv.appendUser(user).appendAssistant(r.text());
            }
        }
    }

    /** vicuna_v1, the template LLaVA-1.5 (both checkpoint layouts) was instruction-tuned with. */
    private static Conversation newConversation(LlavaModel model) {
        return ChatTemplate.VICUNA_V1.newConversation();
    }

    private static Conversation withTurns(Conversation conv) {
        Conversation c = conv.template().newConversation();
        conv.turns().forEach(t -> c.append(t.role(), t.message()));
        return c;
    }
}
