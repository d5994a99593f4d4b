package dev.llava4j.llava.data;

import java.util.List;

/**
 * One sample of LLaVA's training JSON (LLAVA_SPEC 6.3).
 *
 * @param id            the record id
 * @param image         image path relative to the image folder, or null for a text-only sample
 * @param conversations the turns, {@code from} = "human" or "gpt"
 */
public record LlavaRecord(String id, String image, List<Message> conversations) {

    public static final String HUMAN = "human";
    public static final String GPT = "gpt";

    /** One turn as stored in the JSON. */
    public record Message(String from, String value) {
    }

    public LlavaRecord {
        conversations = List.copyOf(conversations);
    }

    public boolean hasImage() {
        return image != null;
    }
}
