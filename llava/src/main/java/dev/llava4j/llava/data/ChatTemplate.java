package dev.llava4j.llava.data;

import java.util.Locale;

/**
 * A conversation template of LLaVA's {@code conversation.py} (LLAVA_SPEC 4.1-4.3).
 *
 * @param name          the conv_templates key
 * @param system        system text put before the first turn
 * @param userRole      role name of even turns
 * @param assistantRole role name of odd turns
 * @param style         how turns are joined
 * @param sep           separator after the system text and after user turns
 * @param sep2          separator after assistant turns
 */
public record ChatTemplate(String name, String system, String userRole, String assistantRole,
                           SeparatorStyle style, String sep, String sep2) {

    /** Stage-2 training and every LLaVA-1.5 benchmark ({@code --conv-mode vicuna_v1}, {@code --version v1}). */
    public static final ChatTemplate VICUNA_V1 = new ChatTemplate("vicuna_v1",
            "A chat between a curious user and an artificial intelligence assistant. "
                    + "The assistant gives helpful, detailed, and polite answers to the user's questions.",
            "USER", "ASSISTANT", SeparatorStyle.TWO, " ", "</s>");

    /** run_llava / cli default for model names containing "v1": "human" instead of "user". */
    public static final ChatTemplate LLAVA_V1 = new ChatTemplate("llava_v1",
            "A chat between a curious human and an artificial intelligence assistant. "
                    + "The assistant gives helpful, detailed, and polite answers to the human's questions.",
            "USER", "ASSISTANT", SeparatorStyle.TWO, " ", "</s>");

    /**
     * Stage-1 pretraining: no system text, no roles, "\n" after each message. (conversation.py leaves sep2
     * unset, so an assistant message would crash there; here it gets no separator.)
     */
    public static final ChatTemplate PLAIN = new ChatTemplate("plain", "", "", "", SeparatorStyle.PLAIN, "\n", "");

    /** Looks a template up by its conv_templates key: v1 / vicuna_v1, llava_v1, plain. */
    public static ChatTemplate named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "v1", "vicuna_v1" -> VICUNA_V1;
            case "llava_v1" -> LLAVA_V1;
            case "plain" -> PLAIN;
            default -> throw new IllegalArgumentException("unknown conversation template '" + name
                    + "' (known: v1, vicuna_v1, llava_v1, plain)");
        };
    }

    public Conversation newConversation() {
        return new Conversation(this);
    }

    /**
     * The single-question inference prompt with the generation slot, e.g. for vicuna_v1
     * {@code "<system> USER: <image>\nQ ASSISTANT:"}.
     */
    public String inferencePrompt(String question, boolean withImage) {
        String first = withImage ? LlavaPreprocessor.IMAGE_TOKEN + "\n" + question : question;
        return newConversation().appendUser(first).appendGenerationSlot().prompt();
    }
}
