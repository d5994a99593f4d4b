package dev.llava4j.llava.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.data.LlavaJsonReader;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.tensor.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoVocabularyTest {

    @TempDir
    static Path dir;
    private static LlamaTokenizer llama;
    private static DemoCorpus corpus;
    private static DemoCorpus.Encoded llamaIds;
    private static DemoVocabulary vocabulary;
    private static LlamaTokenizer small;

    @BeforeAll
    static void build() throws IOException {
        llama = DemoTokenizer.load();
        ShapeWorld.Output world = ShapeWorld.generate(dir.resolve("world"), 11, 120, 12);
        LlavaJsonReader reader = new LlavaJsonReader(null);
        List<LlavaRecord> stage1 = reader.read(world.stage1Json()).records();
        List<LlavaRecord> stage2 = reader.read(world.stage2Json()).records();
        Map<String, Scene> scenes = new HashMap<>();
        for (SceneFile.Entry e : SceneFile.read(world.scenesJsonl())) {
            scenes.put(e.image(), e.scene());
        }
        corpus = new DemoCorpus(stage1, stage2, EvalItem.readAll(world.evalJsonl()), scenes,
                ShapeWorld.textScenes(40, 13, ShapeWorld.DEFAULT_IMAGE_SIZE, Set.of()), new Generator(17));
        llamaIds = corpus.encode(llama);
        vocabulary = DemoVocabulary.build(llama, llamaIds.ids());
        small = LlamaTokenizer.load(vocabulary.writeFolder(dir.resolve("tokenizer")));
    }

    @Test
    void everyCorpusTextIsSegmentedAsLlamaDoes() {
        DemoCorpus.Encoded smallIds = corpus.encode(small);
        assertEquals(llamaIds.ids().size(), smallIds.ids().size());
        vocabulary.checkSameSegmentation(llamaIds.ids(), smallIds.ids(), llamaIds.names()); // throws on a mismatch
        // and explicitly, for one stage-2 record: small ids are the remapped LLaMA ids, piece by piece
        int k = llamaIds.names().indexOf(llamaIds.names().stream().filter(n -> n.startsWith("stage-2")).findFirst()
                .orElseThrow());
        int[] big = llamaIds.ids().get(k);
        int[] mine = smallIds.ids().get(k);
        assertArrayEquals(vocabulary.remap().toSmall(big), mine);
        for (int i = 0; i < big.length; i++) {
            if (big[i] >= 0) {
                assertEquals(llama.piece(big[i]), small.piece(mine[i]), "piece " + i);
            }
        }
    }

    @Test
    void vocabularyIsSmallWithSpecialsFirst() {
        assertTrue(vocabulary.size() > 100 && vocabulary.size() < 2000, "size " + vocabulary.size());
        assertEquals(vocabulary.size(), small.vocabSize());
        assertEquals(0, small.unkId());
        assertEquals(1, small.bosId());
        assertEquals(2, small.eosId());
        assertEquals("<s>", small.piece(1));
        assertEquals("\u2581circle", small.piece(small.id("\u2581circle")));
        // small ids keep LLaMA's order
        int[] llamaOrder = vocabulary.remap().llamaIds();
        for (int i = 1; i < llamaOrder.length; i++) {
            assertTrue(llamaOrder[i - 1] < llamaOrder[i]);
        }
    }

    @Test
    void decodesAndRoundTripsAnAnswer() {
        String text = "The red circle is in the top left corner.";
        int[] ids = small.encode(text);
        assertArrayEquals(vocabulary.remap().toSmall(llama.encode(text)), ids);
        assertEquals(text, small.decode(ids, true));
    }

    @Test
    void folderHoldsTheTokenizerFilesAndTheRemap() throws IOException {
        Path folder = dir.resolve("tokenizer");
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                "vocab_remap.json", "NOTICE.md")) {
            assertTrue(Files.isRegularFile(folder.resolve(f)), f);
        }
        assertEquals(vocabulary.remap(), VocabRemap.read(folder.resolve(DemoVocabulary.REMAP_JSON)));
    }

    @Test
    void mismatchedSegmentationIsReportedWithTheTextsName() {
        List<int[]> wrong = new ArrayList<>(llamaIds.ids().subList(0, 1));
        int[] altered = vocabulary.remap().toSmall(wrong.getFirst()).clone();
        altered[altered.length - 1] = VocabRemap.UNK;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> vocabulary.checkSameSegmentation(
                wrong, List.of(altered), List.of("record 'x'")));
        assertTrue(e.getMessage().contains("record 'x'"), e.getMessage());
    }
}
