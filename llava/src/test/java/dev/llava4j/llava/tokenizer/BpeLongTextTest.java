package dev.llava4j.llava.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The priority-queue BPE against a direct quadratic transcription of the merge rule (LLAVA_SPEC 3.3), on
 * long and adversarial texts; and lossless round trips of 10k+ character texts.
 */
class BpeLongTextTest {

    private static SentencePieceModel model;
    private static Vocabulary vocab;
    private static LlamaTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        model = SentencePieceModelReader.read(TokenizerFixtures.model());
        vocab = new Vocabulary("fixture", model.pieces(), model.scores(), model.types());
        tokenizer = LlamaTokenizer.fromModelFile(TokenizerFixtures.model(), true);
    }

    /** Quadratic reference: merge the best-scoring adjacent pair (leftmost on ties) until none is a piece. */
    private static int[] referenceEncode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String s = ("\u2581" + text).replace(' ', '\u2581');
        List<String> symbols = new ArrayList<>();
        s.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
        while (true) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                int id = vocab.mergeableId(symbols.get(i) + symbols.get(i + 1));
                if (id >= 0 && vocab.score(id) > bestScore) {
                    best = i;
                    bestScore = vocab.score(id);
                }
            }
            if (best < 0) {
                break;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
        List<Integer> ids = new ArrayList<>();
        for (String sym : symbols) {
            int id = vocab.mergeableId(sym);
            if (id >= 0) {
                ids.add(id);
            } else {
                for (byte b : sym.getBytes(StandardCharsets.UTF_8)) {
                    ids.add(vocab.byteId(b & 0xFF));
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String mixedText(int length, long seed) throws IOException {
        List<String> pool = new ArrayList<>();
        for (TokenizerFixtures.Case c : TokenizerFixtures.cases()) {
            pool.add(c.text());
        }
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append(pool.get(random.nextInt(pool.size()))).append(random.nextBoolean() ? " " : "\n");
        }
        return sb.toString();
    }

    @Test
    void priorityQueueMatchesTheQuadraticReference() throws IOException {
        for (long seed = 1; seed <= 5; seed++) {
            String text = mixedText(3000, seed).replace("\u2581", "_");
            assertArrayEquals(referenceEncode(text), tokenizer.encodeSentencePiece(text), "seed " + seed);
        }
        for (String text : List.of("a".repeat(2000), " ".repeat(1500), "ab".repeat(900), "\u2581".repeat(500),
                "😀".repeat(300), "1234567890".repeat(150))) {
            assertArrayEquals(referenceEncode(text), tokenizer.encodeSentencePiece(text), text.substring(0, 10));
        }
    }

    @Test
    void longTextsRoundTrip() throws IOException {
        String text = mixedText(20_000, 42).replace("\u2581", "_").replace("<s>", "[s]").replace("</s>", "[/s]")
                .replace("<unk>", "[unk]");
        int[] ids = tokenizer.encode(text, true);
        assertEquals(text, tokenizer.decodeSentencePiece(ids));
        // decode drops one leading space; the text does not start with one
        assertEquals(text, tokenizer.decode(ids, true));
        String spaces = " x".repeat(10_000);
        assertEquals(spaces, tokenizer.decodeSentencePiece(tokenizer.encodeSentencePiece(spaces)));
    }
}
