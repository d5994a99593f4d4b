package dev.llava4j.llava.data;

import java.util.List;

/** A message of the llava-hf chat template: a role and a list of text / image items. */
public record HfChatMessage(String role, List<Content> content) {

    /** One content item. */
    public sealed interface Content permits Text, Image {
    }

    public record Text(String text) implements Content {
    }

    public record Image() implements Content {
    }

    public HfChatMessage {
        content = List.copyOf(content);
    }

    /** A user message with an optional image before the text. */
    public static HfChatMessage user(String text, boolean withImage) {
        return withImage ? new HfChatMessage("user", List.of(new Image(), new Text(text)))
                : new HfChatMessage("user", List.of(new Text(text)));
    }

    public static HfChatMessage assistant(String text) {
        return new HfChatMessage("assistant", List.of(new Text(text)));
    }
}
