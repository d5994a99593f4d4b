package dev.llava4j.llava.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact template strings of LLAVA_SPEC section 4. */
class ChatTemplateTest {

    private static final String USER_SYSTEM = "A chat between a curious user and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the user's questions.";
    private static final String HUMAN_SYSTEM = "A chat between a curious human and an artificial intelligence "
            + "assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.";

    @Test
    void vicunaV1InferencePrompt() {
        assertEquals(USER_SYSTEM + " USER: <image>\nWhat is this? ASSISTANT:",
                ChatTemplate.VICUNA_V1.inferencePrompt("What is this?", true));
        assertEquals(USER_SYSTEM + " USER: Hello ASSISTANT:", ChatTemplate.VICUNA_V1.inferencePrompt("Hello", false));
    }

    @Test
    void vicunaV1TrainingStringHasEosAfterEachAnswer() {
        String s = ChatTemplate.VICUNA_V1.newConversation()
                .appendUser("<image>\nQ1").appendAssistant("A1").appendUser("Q2").appendAssistant("A2").prompt();
        assertEquals(USER_SYSTEM + " USER: <image>\nQ1 ASSISTANT: A1</s>USER: Q2 ASSISTANT: A2</s>", s);
    }

    @Test
    void llavaV1SaysHuman() {
        assertEquals(HUMAN_SYSTEM + " USER: <image>\nQ ASSISTANT:", ChatTemplate.LLAVA_V1.inferencePrompt("Q", true));
    }

    @Test
    void plainTemplate() {
        assertEquals("<image>\nQ\n", ChatTemplate.PLAIN.inferencePrompt("Q", true));
        assertEquals("<image>caption\n", ChatTemplate.PLAIN.newConversation().appendUser("<image>caption").prompt());
    }

    @Test
    void hfCardPromptAndChatTemplate() {
        assertEquals("USER: <image>\nWhat is shown? ASSISTANT:", HfChatTemplate.cardPrompt("What is shown?"));
        assertEquals("USER: <image>\nWhat is shown? ASSISTANT:",
                HfChatTemplate.render(List.of(HfChatMessage.user("What is shown?", true)), true));
        String twoTurns = HfChatTemplate.render(List.of(HfChatMessage.user("Q1", true),
                HfChatMessage.assistant("A1"), HfChatMessage.user("Q2", false)), true);
        assertEquals("USER: <image>\nQ1 ASSISTANT: A1 USER: Q2 ASSISTANT:", twoTurns);
        // images are rendered before the texts of their message, whatever the item order
        HfChatMessage textFirst = new HfChatMessage("user",
                List.of(new HfChatMessage.Text("T"), new HfChatMessage.Image()));
        assertEquals("USER: <image>\nT ", HfChatTemplate.render(List.of(textFirst), false));
        HfChatMessage system = new HfChatMessage("system", List.of(new HfChatMessage.Text("Be brief.")));
        assertEquals("Be brief. USER: Q ASSISTANT:",
                HfChatTemplate.render(List.of(system, HfChatMessage.user("Q", false)), true));
    }

    @Test
    void responseFormatSuffixes() {
        assertEquals("What color?\nAnswer the question using a single word or phrase.",
                ResponseFormat.append("What color?", ResponseFormat.SHORT_ANSWER));
        assertEquals("Answer with the option's letter from the given choices directly.",
                ResponseFormat.MULTIPLE_CHOICE);
        assertEquals("请直接回答选项字母。", ResponseFormat.MULTIPLE_CHOICE_CN);
        assertEquals("When the provided information is insufficient, respond with 'Unanswerable'.\n"
                + "Answer the question using a single word or phrase.", ResponseFormat.VIZWIZ);
    }
}
