package dev.llava4j.llava.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every field of every record of fixtures/tokenizer/cases.jsonl, exactly. */
class LlamaTokenizerFixtureTest {

    private static LlamaTokenizer legacy;
    private static LlamaTokenizer nonLegacy;
    private static LlamaTokenizer hfImage;
    private static LlamaTokenizer hfImageNonLegacy;

    @BeforeAll
    static void load(@TempDir Path tmp) throws IOException {
        legacy = LlamaTokenizer.fromModelFile(TokenizerFixtures.model(), true);
        nonLegacy = LlamaTokenizer.fromModelFile(TokenizerFixtures.model(), false);
        hfImage = LlamaTokenizer.load(TokenizerFixtures.dir());
        // the same llava-hf-style folder with legacy=false in tokenizer_config.json
        for (String f : List.of("tokenizer.model", "special_tokens_map.json", "added_tokens.json")) {
            Files.copy(TokenizerFixtures.dir().resolve(f), tmp.resolve(f));
        }
        ObjectNode config = (ObjectNode) TokenizerFixtures.JSON.readTree(
                TokenizerFixtures.dir().resolve("tokenizer_config.json").toFile());
        config.put("legacy", false);
        TokenizerFixtures.JSON.writeValue(tmp.resolve("tokenizer_config.json").toFile(), config);
        hfImageNonLegacy = LlamaTokenizer.load(tmp);
    }

    static List<TokenizerFixtures.Case> cases() throws IOException {
        return TokenizerFixtures.cases();
    }

    @Test
    void fixtureHasTheDocumentedRecords() throws IOException {
        List<TokenizerFixtures.Case> all = cases();
        assertEquals(90, all.size());
        assertEquals(46, all.stream().filter(c -> c.string("source").equals("llama.cpp")).count());
        assertEquals(7, all.stream().filter(c -> c.has("ids_hf_image")).count());
        long legacyDiffers = all.stream()
                .filter(c -> !Arrays.equals(c.ids("ids_hf"), c.ids("ids_hf_nonlegacy"))).count();
        assertEquals(4, legacyDiffers);
    }

    @Test
    void loadedConfigurationMatchesTheFixtureFolder() {
        assertTrue(hfImage.legacy());
        assertFalse(hfImageNonLegacy.legacy());
        assertTrue(hfImage.addBos());
        assertFalse(hfImage.addEos());
        assertEquals(1, hfImage.bosId());
        assertEquals(2, hfImage.eosId());
        assertEquals(0, hfImage.unkId());
        assertEquals(32001, hfImage.padId());
        assertEquals(32002, hfImage.vocabSize());
        assertEquals(32000, hfImage.id("<image>"));
        assertEquals("<pad>", hfImage.piece(32001));
        assertTrue(hfImage.isSpecial(32000));
        assertTrue(hfImage.isSpecial(32001));
        assertFalse(hfImage.isSpecial(29871));
        assertEquals(-1, legacy.padId());
        assertEquals(32000, legacy.vocabSize());
        assertEquals(-1, legacy.id("<image>"));
        assertEquals("\u2581", legacy.piece(29871));
        assertEquals("<0x0A>", legacy.piece(13));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pureSentencePiece(TokenizerFixtures.Case c) {
        int[] ids = legacy.encodeSentencePiece(c.text());
        assertArrayEquals(c.ids("ids_sp"), ids, "ids_sp");
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(legacy.piece(id));
        }
        assertEquals(c.strings("pieces_sp"), pieces, "pieces_sp");
        assertEquals(c.string("decoded_sp"), legacy.decodeSentencePiece(c.ids("ids_sp")), "decoded_sp");
        if (c.has("ids_llamacpp")) {
            assertArrayEquals(c.ids("ids_llamacpp"), ids, "ids_llamacpp");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hfSlowTokenizer(TokenizerFixtures.Case c) {
        assertArrayEquals(c.ids("ids_hf"), legacy.encode(c.text(), true), "ids_hf");
        assertArrayEquals(c.ids("ids_hf"), legacy.encode(c.text()), "ids_hf via encode(text)");
        assertArrayEquals(c.ids("ids_hf_nonlegacy"), nonLegacy.encode(c.text(), true), "ids_hf_nonlegacy");
        assertEquals(c.string("decoded"), legacy.decode(c.ids("ids_hf"), true), "decoded");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void llavaHfStyleTokenizerWithImageAndPadTokens(TokenizerFixtures.Case c) {
        if (c.has("ids_hf_image")) {
            assertArrayEquals(c.ids("ids_hf_image"), hfImage.encode(c.text()), "ids_hf_image");
            assertArrayEquals(c.ids("ids_hf_image_nonlegacy"), hfImageNonLegacy.encode(c.text()),
                    "ids_hf_image_nonlegacy");
            assertEquals(c.string("decoded_hf_image"), hfImage.decode(c.ids("ids_hf_image"), true), "decoded_hf_image");
        } else {
            // without <image>/<pad> in the text the added tokens change nothing
            assertArrayEquals(c.ids("ids_hf"), hfImage.encode(c.text()), "ids_hf through the llava-hf folder");
        }
    }

    @Test
    void withLegacySwitchesBetweenTheTwoBehaviours() throws IOException {
        LlamaTokenizer switched = legacy.withLegacy(false);
        assertFalse(switched.legacy());
        LlamaTokenizer image = hfImage.withLegacy(false);
        for (TokenizerFixtures.Case c : cases()) {
            assertArrayEquals(c.ids("ids_hf_nonlegacy"), switched.encode(c.text()), c.toString());
            assertArrayEquals(c.ids("ids_hf"), switched.withLegacy(true).encode(c.text()), c.toString());
            if (c.has("ids_hf_image_nonlegacy")) {
                assertArrayEquals(c.ids("ids_hf_image_nonlegacy"), image.encode(c.text()), c.toString());
            }
        }
    }

    @Test
    void encodeWithoutBosIsTheSpanEncoding() throws IOException {
        for (TokenizerFixtures.Case c : cases()) {
            int[] withBos = c.ids("ids_hf");
            assertArrayEquals(Arrays.copyOfRange(withBos, 1, withBos.length), legacy.encode(c.text(), false),
                    c.toString());
        }
    }
}
