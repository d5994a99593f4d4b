package dev.llava4j.llava.data;

import java.util.List;
import java.util.Locale;

/**
 * The llava-hf prompt formats (LLAVA_SPEC 4.4): the model-card prompt and {@code chat_template.json}.
 * No system prompt; system messages are written without a role prefix.
 */
public final class HfChatTemplate {

    private HfChatTemplate() {
    }

    /** The model-card prompt {@code "USER: <image>\n<question> ASSISTANT:"}. */
    public static String cardPrompt(String question) {
        return "USER: " + LlavaPreprocessor.IMAGE_TOKEN + "\n" + question + " ASSISTANT:";
    }

    /**
     * The chat template: per message {@code ROLE + ": "} (not for system), {@code "<image>\n"} per image item,
     * then each text item followed by one space; {@code "ASSISTANT:"} when a generation prompt is asked for.
     */
    public static String render(List<HfChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (HfChatMessage m : messages) {
            if (!m.role().equals("system")) {
                sb.append(m.role().toUpperCase(Locale.ROOT)).append(": ");
            }
            for (HfChatMessage.Content c : m.content()) {
                if (c instanceof HfChatMessage.Image) {
                    sb.append(LlavaPreprocessor.IMAGE_TOKEN).append('\n');
                }
            }
            for (HfChatMessage.Content c : m.content()) {
                if (c instanceof HfChatMessage.Text(String text)) {
                    sb.append(text).append(' ');
                }
            }
        }
        if (addGenerationPrompt) {
            sb.append("ASSISTANT:");
        }
        return sb.toString();
    }
}
