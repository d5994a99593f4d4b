package dev.llava4j.llava.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A list of turns rendered with a {@link ChatTemplate} exactly as conversation.py's {@code get_prompt}.
 * A turn with a null or empty message is a generation slot ("ASSISTANT:" without a trailing space).
 */
public final class Conversation {

    /** One turn; {@code message} may be null (generation slot). */
    public record Turn(String role, String message) {
    }

    private final ChatTemplate template;
    private final List<Turn> turns = new ArrayList<>();

    Conversation(ChatTemplate template) {
        this.template = template;
    }

    public ChatTemplate template() {
        return template;
    }

    public Conversation append(String role, String message) {
        turns.add(new Turn(role, message));
        return this;
    }

    public Conversation appendUser(String message) {
        return append(template.userRole(), message);
    }

    public Conversation appendAssistant(String message) {
        return append(template.assistantRole(), message);
    }

    /** An assistant turn without a message: the prompt ends where the model is to continue. */
    public Conversation appendGenerationSlot() {
        return append(template.assistantRole(), null);
    }

    public List<Turn> turns() {
        return Collections.unmodifiableList(turns);
    }

    /** The inference prompt or, when every turn has a message, the training string. */
    public String prompt() {
        StringBuilder sb = new StringBuilder(template.system());
        if (template.style() == SeparatorStyle.TWO) {
            sb.append(template.sep());
        }
        for (int i = 0; i < turns.size(); i++) {
            Turn t = turns.get(i);
            boolean hasMessage = t.message() != null && !t.message().isEmpty();
            String sep = i % 2 == 0 ? template.sep() : template.sep2();
            switch (template.style()) {
                case TWO -> {
                    if (hasMessage) {
                        sb.append(t.role()).append(": ").append(t.message()).append(sep);
                    } else {
                        sb.append(t.role()).append(':');
                    }
                }
                case PLAIN -> {
                    if (hasMessage) {
                        sb.append(t.message()).append(sep);
                    }
                }
            }
        }
        return sb.toString();
    }
}
