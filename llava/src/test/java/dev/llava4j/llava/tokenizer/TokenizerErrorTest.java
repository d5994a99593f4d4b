package dev.llava4j.llava.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt or unsupported tokenizer files fail with a message that names the file and the problem. */
class TokenizerErrorTest {

    @TempDir
    Path tmp;

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void truncatedInsideAPieceIsCorrupt() throws IOException {
        byte[] full = Files.readAllBytes(TokenizerFixtures.model());
        Path cut = write("cut.model", Arrays.copyOf(full, 10_001));
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class,
                () -> LlamaTokenizer.fromModelFile(cut, true));
        assertMessage(e, "corrupt sentencepiece model", cut.toString());
    }

    @Test
    void truncatedBetweenPiecesHasNoTrainerSpec() throws IOException {
        byte[] full = Files.readAllBytes(TokenizerFixtures.model());
        int end = 0;
        for (int piece = 0; piece < 100; piece++) {
            // each piece: tag 0x0A, varint length, payload
            if (full[end] != 0x0A) {
                throw new AssertionError("unexpected layout of the fixture model at byte " + end);
            }
            int pos = end + 1;
            int length = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = full[pos++];
                length |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            end = pos + length;
        }
        Path cut = write("hundred.model", Arrays.copyOf(full, end));
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class,
                () -> LlamaTokenizer.fromModelFile(cut, true));
        assertMessage(e, cut.toString(), "no trainer_spec after 100 pieces");
    }

    @Test
    void garbageAndEmptyFilesAreRejected() throws IOException {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path garbage = write("garbage.model", noise);
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.fromModelFile(garbage, true)),
                garbage.toString());
        Path text = write("text.model", "this is not a protobuf\n".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.fromModelFile(text, true)),
                text.toString());
        Path empty = write("empty.model", new byte[0]);
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.fromModelFile(empty, true)),
                empty.toString());
    }

    @Test
    void unigramModelIsRejected() throws IOException {
        ByteArrayOutputStream proto = new ByteArrayOutputStream();
        // pieces { piece: "a" score: 0 type: NORMAL }
        byte[] piece = {0x0A, 0x01, 'a', 0x15, 0, 0, 0, 0, 0x18, 0x01};
        proto.write(0x0A);
        proto.write(piece.length);
        proto.write(piece, 0, piece.length);
        // trainer_spec { model_type: UNIGRAM }
        proto.write(0x12);
        proto.write(2);
        proto.write(0x18);
        proto.write(0x01);
        Path unigram = write("unigram.model", proto.toByteArray());
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class,
                () -> LlamaTokenizer.fromModelFile(unigram, true));
        assertMessage(e, unigram.toString(), "UNIGRAM", "only BPE");
    }

    @Test
    void folderWithoutTokenizerIsRejected() throws IOException {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(tmp));
        assertMessage(e, tmp.toString(), "neither tokenizer.model nor tokenizer.json");
        Path missing = tmp.resolve("nope");
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(missing)),
                missing.toString());
    }

    @Test
    void nonBpeTokenizerJsonIsRejected() throws IOException {
        write("tokenizer.json", """
                {"model": {"type": "Unigram", "vocab": [["<unk>", 0.0]]}}
                """.getBytes(StandardCharsets.UTF_8));
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(tmp));
        assertMessage(e, "tokenizer.json", "model.type is 'Unigram'");
    }

    @Test
    void tokenizerJsonMergeOutsideTheVocabularyIsRejected() throws IOException {
        write("tokenizer.json", """
                {"normalizer": {"type": "Sequence", "normalizers": [
                   {"type": "Prepend", "prepend": "\u2581"},
                   {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
                 "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true,
                   "vocab": {"<unk>": 0, "a": 1, "b": 2}, "merges": ["a b"]}}
                """.getBytes(StandardCharsets.UTF_8));
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(tmp));
        assertMessage(e, "tokenizer.json", "merge 0 [a, b]", "not in model.vocab");
    }

    @Test
    void badConfigFilesAreReportedByName() throws IOException {
        Files.copy(TokenizerFixtures.model(), tmp.resolve("tokenizer.model"));
        write("tokenizer_config.json", "{\"legacy\": true, ".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(tmp)),
                "invalid JSON", "tokenizer_config.json");

        write("tokenizer_config.json", "{\"bos_token\": \"<start>\"}".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(tmp)),
                "bos_token '<start>'");

        write("tokenizer_config.json", "{\"legacy\": \"yes\"}".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(tmp)),
                "tokenizer_config.json", "legacy must be true or false");

        Files.delete(tmp.resolve("tokenizer_config.json"));
        write("added_tokens.json", "{\"<image>\": 32005}".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(tmp)),
                "'<image>' has id 32005", "consecutive");

        write("added_tokens.json", "{\"<image>\": 5}".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(TokenizerFormatException.class, () -> LlamaTokenizer.load(tmp)),
                "'<image>' has id 5", "<0x02>");
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() throws IOException {
        LlamaTokenizer tok = LlamaTokenizer.fromModelFile(TokenizerFixtures.model(), true);
        for (int bad : List.of(-1, 32000, -200)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tok.decode(new int[] {1, bad}, true));
            assertMessage(e, "token id " + bad);
            assertThrows(IllegalArgumentException.class, () -> tok.newStreamingDecoder().accept(bad));
        }
    }
}
