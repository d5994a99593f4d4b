package dev.llava4j.llava.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentencePieceTrimTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheFirstPiecesAndStillEncodesAnyText() throws Exception {
        byte[] full = Files.readAllBytes(TokenizerFixtures.model());
        Path cut = tmp.resolve("tokenizer.model");
        Files.write(cut, SentencePieceTrim.firstPieces(full, 1000));
        SentencePieceModel whole = SentencePieceModelReader.read(TokenizerFixtures.model());
        SentencePieceModel part = SentencePieceModelReader.read(cut);
        assertEquals(1000, part.size());
        assertArrayEquals(Arrays.copyOf(whole.pieces(), 1000), part.pieces());
        assertArrayEquals(Arrays.copyOf(whole.scores(), 1000), part.scores());
        assertEquals(whole.byteFallback(), part.byteFallback());  // the specs after the pieces are kept

        LlamaTokenizer small = LlamaTokenizer.fromModelFile(cut, true);
        String text = "Describe the antidisestablishmentarian zebra, naïvely — 東京 🚀";
        int[] ids = small.encode(text, false);
        assertTrue(Arrays.stream(ids).allMatch(id -> id < 1000), Arrays.toString(ids));
        // a space before a character no kept piece starts with is the lone "▁", which is past the first 1000 pieces:
        // it goes through byte fallback and decodes as that literal character
        assertEquals(text, small.decode(ids, true).replace('\u2581', ' '));
        assertTrue(ids.length > LlamaTokenizer.fromModelFile(TokenizerFixtures.model(), true).encode(text, false).length,
                "fewer merges, more pieces");
    }

    @Test
    void aModelWithFewerPiecesIsReturnedUnchangedAndTooFewIsRefused() throws Exception {
        byte[] full = Files.readAllBytes(TokenizerFixtures.model());
        assertArrayEquals(full, SentencePieceTrim.firstPieces(full, 1_000_000));
        assertThrows(IllegalArgumentException.class, () -> SentencePieceTrim.firstPieces(full, 100));
    }
}
