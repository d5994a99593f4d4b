package dev.llava4j.llava.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {

    private static final char REPLACEMENT = '\uFFFD';
    private static LlamaTokenizer tokenizer;
    private static LlamaTokenizer hfImage;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = LlamaTokenizer.fromModelFile(TokenizerFixtures.model(), true);
        hfImage = LlamaTokenizer.load(TokenizerFixtures.dir());
    }

    private static List<String> stream(LlamaTokenizer tok, int[] ids) {
        StreamingDecoder decoder = tok.newStreamingDecoder();
        List<String> chunks = new ArrayList<>();
        for (int id : ids) {
            chunks.add(decoder.accept(id));
        }
        chunks.add(decoder.finish());
        return chunks;
    }

    @Test
    void streamingEqualsDecodeForEveryFixtureCase() throws IOException {
        for (TokenizerFixtures.Case c : TokenizerFixtures.cases()) {
            checkStreamMatchesDecode(tokenizer, c.ids("ids_hf"), c.toString());
            if (c.has("ids_hf_image")) {
                checkStreamMatchesDecode(hfImage, c.ids("ids_hf_image"), c + " (llava-hf ids)");
            }
        }
    }

    private static void checkStreamMatchesDecode(LlamaTokenizer tok, int[] ids, String what) {
        String expected = tok.decode(ids, true);
        List<String> chunks = stream(tok, ids);
        assertEquals(expected, String.join("", chunks), what);
        if (expected.indexOf(REPLACEMENT) < 0) {
            for (String chunk : chunks) {
                assertEquals(-1, chunk.indexOf(REPLACEMENT), what + ": chunk " + chunk);
            }
        }
    }

    @Test
    void multiByteCharacterIsHeldBackUntilComplete() {
        int[] ids = tokenizer.encode("A 😀", false);
        // "▁A", "▁", then the emoji as four byte pieces (it is not in the vocabulary)
        assertEquals(6, ids.length);
        for (int i = 2; i < 6; i++) {
            assertTrue(tokenizer.piece(ids[i]).startsWith("<0x"), tokenizer.piece(ids[i]));
        }
        List<String> chunks = stream(tokenizer, ids);
        assertEquals(List.of("A", " ", "", "", "", "😀", ""), chunks);
    }

    @Test
    void koreanTextStreamsWithoutReplacementCharacters() {
        String text = "사진 속 고양이는 무엇을 하고 있나요? 這張圖片 🇰🇷";
        int[] ids = tokenizer.encode(text, true);
        List<String> chunks = stream(tokenizer, ids);
        assertEquals(text, String.join("", chunks));
        chunks.forEach(chunk -> assertFalse(chunk.indexOf(REPLACEMENT) >= 0, chunk));
    }

    @Test
    void invalidBytesBecomeOneReplacementEachLikeDecode() {
        int e4 = tokenizer.id("<0xE4>");
        int b8 = tokenizer.id("<0xB8>");
        int hello = tokenizer.id("\u2581Hello");
        int[] ids = {e4, hello};
        assertEquals("\uFFFD Hello", tokenizer.decode(ids, true));
        assertEquals(List.of("", "\uFFFD Hello", ""), stream(tokenizer, ids));
        // a truncated 3-byte sequence at the very end: flushed by finish()
        assertEquals(List.of("", "", "\uFFFD\uFFFD"), stream(tokenizer, new int[] {e4, b8}));
        assertEquals("\uFFFD\uFFFD", tokenizer.decode(new int[] {e4, b8}, true));
    }

    @Test
    void specialTokensAreSkippedAndTheFirstPieceLosesItsSpace() {
        int[] ids = tokenizer.encode("Hello world", true);
        assertArrayEquals(new int[] {1, 15043, 3186}, ids);
        int[] withEos = {1, 15043, 3186, 2};
        assertEquals(List.of("", "Hello", " world", "", ""), stream(tokenizer, withEos));
    }
}
