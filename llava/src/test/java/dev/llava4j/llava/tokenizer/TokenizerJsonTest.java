package dev.llava4j.llava.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer.json built from the tokenizer.model pieces the way transformers' LlamaConverter does (vocab =
 * all pieces; merges = every split of a normal piece into two pieces, ordered by the piece's score) must
 * encode every fixture case like the .model file.
 */
class TokenizerJsonTest {

    private static LlamaTokenizer legacyJson;
    private static LlamaTokenizer nonLegacyJson;
    private static LlamaTokenizer imageJson;

    @BeforeAll
    static void build(@TempDir Path tmp) throws IOException {
        SentencePieceModel model = SentencePieceModelReader.read(TokenizerFixtures.model());
        Path legacyDir = Files.createDirectory(tmp.resolve("legacy"));
        Path nonLegacyDir = Files.createDirectory(tmp.resolve("nonlegacy"));
        Path imageDir = Files.createDirectory(tmp.resolve("image"));
        ObjectNode legacyJsonTree = tokenizerJson(model, true);
        TokenizerFixtures.JSON.writeValue(legacyDir.resolve("tokenizer.json").toFile(), legacyJsonTree);
        TokenizerFixtures.JSON.writeValue(nonLegacyDir.resolve("tokenizer.json").toFile(), tokenizerJson(model, false));
        TokenizerFixtures.JSON.writeValue(imageDir.resolve("tokenizer.json").toFile(), legacyJsonTree);
        for (String f : List.of("tokenizer_config.json", "special_tokens_map.json", "added_tokens.json")) {
            Files.copy(TokenizerFixtures.dir().resolve(f), imageDir.resolve(f));
        }
        legacyJson = LlamaTokenizer.load(legacyDir);
        nonLegacyJson = LlamaTokenizer.load(nonLegacyDir);
        imageJson = LlamaTokenizer.load(imageDir);
    }

    /** Test helper: the LlamaConverter-style tokenizer.json for a sentencepiece model. */
    static ObjectNode tokenizerJson(SentencePieceModel model, boolean legacy) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < model.size(); id++) {
            if (model.types()[id] == PieceType.CONTROL || model.types()[id] == PieceType.UNKNOWN) {
                added.addObject().put("id", id).put("content", model.pieces()[id]).put("single_word", false)
                        .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
            }
        }
        if (legacy) {
            ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
            ArrayNode steps = normalizer.putArray("normalizers");
            steps.addObject().put("type", "Prepend").put("prepend", "\u2581");
            ObjectNode replace = steps.addObject().put("type", "Replace");
            replace.putObject("pattern").put("String", " ");
            replace.put("content", "\u2581");
            root.putNull("pre_tokenizer");
        } else {
            root.putNull("normalizer");
            root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
                    .put("prepend_scheme", "first").put("split", false);
        }
        ObjectNode bpe = root.putObject("model");
        bpe.put("type", "BPE").putNull("dropout").put("unk_token", "<unk>").put("fuse_unk", true)
                .put("byte_fallback", true);
        ObjectNode vocab = bpe.putObject("vocab");
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        for (int id = 0; id < model.size(); id++) {
            vocab.put(model.pieces()[id], id);
            ids.put(model.pieces()[id], id);
        }
        record Merge(String left, String right, int mergedId, float score) {
        }
        List<Merge> merges = new ArrayList<>();
        for (int id = 0; id < model.size(); id++) {
            String piece = model.pieces()[id];
            if (model.types()[id] != PieceType.NORMAL) {
                continue;
            }
            for (int cut = piece.offsetByCodePoints(0, 1); cut < piece.length();
                 cut = piece.offsetByCodePoints(cut, 1)) {
                String left = piece.substring(0, cut);
                String right = piece.substring(cut);
                if (ids.containsKey(left) && ids.containsKey(right)) {
                    merges.add(new Merge(left, right, id, model.scores()[id]));
                }
            }
        }
        merges.sort(Comparator.comparingDouble((Merge m) -> -m.score()).thenComparingInt(Merge::mergedId)
                .thenComparingInt(m -> m.left().length()));
        ArrayNode mergeList = bpe.putArray("merges");
        merges.forEach(m -> mergeList.add(m.left() + " " + m.right()));
        return root;
    }

    @Test
    void jsonTokenizerHasTheModelFileSettings() {
        assertTrue(legacyJson.legacy());
        assertFalse(nonLegacyJson.legacy());
        assertEquals(32000, legacyJson.vocabSize());
        assertEquals(1, legacyJson.bosId());
        assertEquals(2, legacyJson.eosId());
        assertEquals(0, legacyJson.unkId());
        assertEquals(32002, imageJson.vocabSize());
        assertEquals(32001, imageJson.padId());
    }

    @Test
    void encodesEveryCaseLikeTheModelFile() throws IOException {
        for (TokenizerFixtures.Case c : TokenizerFixtures.cases()) {
            assertArrayEquals(c.ids("ids_sp"), legacyJson.encodeSentencePiece(c.text()), c + " ids_sp");
            assertArrayEquals(c.ids("ids_hf"), legacyJson.encode(c.text()), c + " ids_hf");
            assertArrayEquals(c.ids("ids_hf_nonlegacy"), nonLegacyJson.encode(c.text()), c + " ids_hf_nonlegacy");
            assertEquals(c.string("decoded"), legacyJson.decode(c.ids("ids_hf"), true), c + " decoded");
            if (c.has("ids_hf_image")) {
                assertArrayEquals(c.ids("ids_hf_image"), imageJson.encode(c.text()), c + " ids_hf_image");
            }
        }
    }
}
