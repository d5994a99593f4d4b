package dev.llava4j.llava.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LlavaPreprocessorTest {

    private static final int IGNORE = LlavaPreprocessor.IGNORE_INDEX;
    private static LlamaTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = DataFixtures.trainingTokenizer();
    }

    private static LlavaRecord.Message human(String v) {
        return new LlavaRecord.Message(LlavaRecord.HUMAN, v);
    }

    private static LlavaRecord.Message gpt(String v) {
        return new LlavaRecord.Message(LlavaRecord.GPT, v);
    }

    @Test
    void preprocessMultimodalMovesTheImageToTheFront() {
        List<LlavaRecord.Message> out = LlavaPreprocessor.preprocessMultimodal(List.of(
                human("  What is this?\n<image>  "), gpt("A cat."), human("<image>"), human("a <image> b")));
        assertEquals("<image>\nWhat is this?", out.get(0).value());
        assertEquals("A cat.", out.get(1).value());
        assertEquals("<image>", out.get(2).value()); // "<image>\n" stripped again, as the official code does
        assertEquals("<image>\na  b", out.get(3).value());
        // Python's strip() also removes NBSP and ideographic space, which Java's trim() does not
        assertEquals("<image>\nx", LlavaPreprocessor.preprocessMultimodal(
                List.of(human("\u00a0\u3000x<image>\u2003"))).get(0).value());
    }

    @Test
    void tokenizerImageTokenKeepsOnlyTheFirstBos() {
        assertArrayEquals(new int[] {1, -200}, LlavaPreprocessor.tokenizerImageToken("<image>", tokenizer));
        // "USER: " ends with ':' '▁'; the chunk after the image gets its own dummy prefix '▁' before '\n'
        assertArrayEquals(new int[] {1, 3148, 1001, 29901, 29871, -200, 29871, 13, 5618},
                LlavaPreprocessor.tokenizerImageToken("USER: <image>\nWhat", tokenizer));
        assertArrayEquals(new int[] {1, -200, -200}, LlavaPreprocessor.tokenizerImageToken("<image><image>", tokenizer));
        int[] plain = tokenizer.encode("no image here");
        assertArrayEquals(plain, LlavaPreprocessor.tokenizerImageToken("no image here", tokenizer));
    }

    @Test
    void templatesByName() {
        assertEquals(ChatTemplate.VICUNA_V1, ChatTemplate.named("v1"));
        assertEquals(ChatTemplate.VICUNA_V1, ChatTemplate.named("vicuna_v1"));
        assertEquals(ChatTemplate.LLAVA_V1, ChatTemplate.named("llava_v1"));
        assertEquals(ChatTemplate.PLAIN, ChatTemplate.named("plain"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.named("v2"));
        assertTrue(e.getMessage().contains("'v2'"));
    }

    private static LlavaRecord twoRoundTextRecord() {
        return new LlavaRecord("t", null, List.of(human("What is the capital of France?"),
                gpt("The capital of France is Paris."), human("And of Korea?"), gpt("Seoul.")));
    }

    @Test
    void truncationCutsIdsAndLabelsTogether() {
        LlavaRecord r = twoRoundTextRecord();
        TokenizedSample full = LlavaPreprocessor.preprocess(r, "v1", tokenizer, 2048);
        for (int max : List.of(1, 40, full.length() - 1)) {
            TokenizedSample cut = LlavaPreprocessor.preprocess(r, "v1", tokenizer, max);
            assertEquals(max, cut.length());
            assertArrayEquals(Arrays.copyOf(full.inputIds(), max), cut.inputIds(), "max " + max);
            assertArrayEquals(Arrays.copyOf(full.labels(), max), cut.labels(), "max " + max);
        }
        assertEquals(full, LlavaPreprocessor.preprocess(r, "v1", tokenizer, full.length()));
        assertThrows(IllegalArgumentException.class, () -> LlavaPreprocessor.preprocess(r, "v1", tokenizer, 0));
    }

    @Test
    void supervisedTokensAreTheAnswersAndTheirEos() {
        TokenizedSample s = LlavaPreprocessor.preprocess(twoRoundTextRecord(), "v1", tokenizer, 2048);
        int[] ids = s.inputIds();
        int[] labels = s.labels();
        StringBuilder supervised = new StringBuilder();
        int eosSupervised = 0;
        for (int i = 0; i < ids.length; i++) {
            if (labels[i] != IGNORE) {
                assertEquals(ids[i], labels[i]);
                if (ids[i] == 2) {
                    eosSupervised++;
                } else {
                    supervised.append(tokenizer.piece(ids[i]));
                }
            }
        }
        assertEquals(2, eosSupervised);
        assertEquals("\u2581The\u2581capital\u2581of\u2581France\u2581is\u2581Paris.\u2581Seoul.",
                supervised.toString());
    }

    @Test
    void mismatchRuleIgnoresTheWholeSample() {
        // a user turn containing " ASSISTANT: " splits into 3 parts: the loop stops early, the cursor ends
        // short of the sequence length and the official code ignores the sample
        LlavaRecord tricky = new LlavaRecord("x", null, List.of(human("Say ' ASSISTANT: ' please"), gpt("OK")));
        TokenizedSample s = LlavaPreprocessor.preprocess(tricky, "v1", tokenizer, 2048);
        assertEquals(0, s.numSupervised());
        assertTrue(s.length() > 10);
        // a literal <unk> becomes id 0 = the pad id of training, so the non-pad count is one short
        LlavaRecord unk = new LlavaRecord("u", null, List.of(human("What is <unk>?"), gpt("Unknown.")));
        assertEquals(0, LlavaPreprocessor.preprocess(unk, "v1", tokenizer, 2048).numSupervised());
        // an odd conversation (no final answer) also ends in a mismatch
        LlavaRecord odd = new LlavaRecord("o", null, List.of(human("Q1"), gpt("A1"), human("Q2")));
        assertEquals(0, LlavaPreprocessor.preprocess(odd, "v1", tokenizer, 2048).numSupervised());
    }

    @Test
    void structuralErrorsAreRejectedLikeTheOfficialAsserts() {
        LlavaRecord twoHumans = new LlavaRecord("h2", null, List.of(human("a"), human("b")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlavaPreprocessor.preprocess(twoHumans, "v1", tokenizer, 2048));
        assertTrue(e.getMessage().contains("'h2'") && e.getMessage().contains("alternate"), e.getMessage());

        LlavaRecord system = new LlavaRecord("s", null, List.of(new LlavaRecord.Message("system", "x"), gpt("y")));
        e = assertThrows(IllegalArgumentException.class,
                () -> LlavaPreprocessor.preprocess(system, "v1", tokenizer, 2048));
        assertTrue(e.getMessage().contains("from='system'"), e.getMessage());

        LlavaRecord threeTurns = new LlavaRecord("p3", "a.png", List.of(human("<image>"), gpt("x"), human("y")));
        e = assertThrows(IllegalArgumentException.class,
                () -> LlavaPreprocessor.preprocess(threeTurns, "plain", tokenizer, 2048));
        assertTrue(e.getMessage().contains("exactly 2"), e.getMessage());

        LlavaRecord textOnly = new LlavaRecord("p0", null, List.of(human("Describe."), gpt("x")));
        e = assertThrows(IllegalArgumentException.class,
                () -> LlavaPreprocessor.preprocess(textOnly, "plain", tokenizer, 2048));
        assertTrue(e.getMessage().contains("<image>"), e.getMessage());
    }

    @Test
    void gptFirstMessageIsDropped() {
        LlavaRecord r = new LlavaRecord("g", null, List.of(gpt("Hi!"), human("Q"), gpt("A")));
        assertEquals(ChatTemplate.VICUNA_V1.system() + " USER: Q ASSISTANT: A</s>",
                LlavaPreprocessor.prompt(r, ChatTemplate.VICUNA_V1));
    }
}
