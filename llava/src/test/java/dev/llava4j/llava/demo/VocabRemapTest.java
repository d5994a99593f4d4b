package dev.llava4j.llava.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.LlavaJsonReader;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.llava.train.TrainSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabRemapTest {

    @TempDir
    static Path dir;
    private static LlamaTokenizer tokenizer;
    private static List<int[]> corpus;
    private static VocabRemap remap;

    @BeforeAll
    static void build() throws IOException {
        tokenizer = DemoTokenizer.load();
        ShapeWorld.Output world = ShapeWorld.generate(dir.resolve("world"), 5, 200, 20);
        corpus = new ArrayList<>();
        LlavaJsonReader reader = new LlavaJsonReader(null);
        for (LlavaRecord r : reader.read(world.stage1Json()).records()) {
            corpus.add(LlavaPreprocessor.preprocess(r, "plain", tokenizer, 2048).inputIds());
        }
        for (LlavaRecord r : reader.read(world.stage2Json()).records()) {
            corpus.add(LlavaPreprocessor.preprocess(r, "v1", tokenizer, 2048).inputIds());
        }
        for (EvalItem item : EvalItem.readAll(world.evalJsonl())) {
            String prompt = ChatTemplate.VICUNA_V1.inferencePrompt(item.text(), true);
            corpus.add(LlavaPreprocessor.tokenizerImageToken(prompt, tokenizer));
        }
        remap = VocabRemap.build(tokenizer, corpus);
    }

    @Test
    void theDemoCorpusNeedsOnlyAFewHundredRows() {
        assertTrue(remap.size() > 50 && remap.size() < 400, "remap size " + remap.size());
        assertEquals(0, remap.toLlama(VocabRemap.UNK));
        assertEquals(tokenizer.bosId(), remap.toLlama(VocabRemap.BOS));
        assertEquals(tokenizer.eosId(), remap.toLlama(VocabRemap.EOS));
        int[] ids = remap.llamaIds();
        for (int i = 4; i < ids.length; i++) {
            assertTrue(ids[i - 1] < ids[i], "ids after the specials ascend");
        }
    }

    @Test
    void roundTripRestoresIdsAndText() {
        for (int[] ids : corpus) {
            int[] small = remap.toSmall(ids);
            for (int s : small) {
                assertTrue(s == LlavaPreprocessor.IMAGE_TOKEN_INDEX || (s >= 0 && s < remap.size()));
            }
            assertArrayEquals(ids, remap.toLlama(small));
        }
        String text = "There are two red circles and a blue star.";
        int[] llama = tokenizer.encode(text);
        assertEquals(text, tokenizer.decode(remap.toLlama(remap.toSmall(llama)), true));
    }

    @Test
    void samplesMapInputsAndLabelsAlike() {
        TrainSample s = new TrainSample("x", new int[] {1, -200, 278, 2}, new int[] {-100, -100, 278, 2},
                new float[] {0.5f});
        VocabRemap small = VocabRemap.build(tokenizer, List.of(s.inputIds()));
        TrainSample mapped = small.toSmall(s);
        assertArrayEquals(new int[] {1, -200, 3, 2}, mapped.inputIds());
        assertArrayEquals(new int[] {-100, -100, 3, 2}, mapped.labels());
        assertEquals(4, small.size());
    }

    @Test
    void unknownIdsAreErrorsOrUnk() {
        int unseen = tokenizer.encode("Quantum chromodynamics", false)[0];
        assertFalse(remap.contains(unseen));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> remap.toSmall(unseen));
        assertTrue(e.getMessage().contains(Integer.toString(unseen)), e.getMessage());
        assertArrayEquals(new int[] {VocabRemap.BOS, VocabRemap.UNK}, remap.toSmallOrUnk(new int[] {1, unseen}));
        assertThrows(IllegalArgumentException.class, () -> remap.toLlama(remap.size()));
    }

    @Test
    void savesAndLoads() throws IOException {
        Path file = dir.resolve("vocab_remap.json");
        remap.write(file);
        assertEquals(remap, VocabRemap.read(file));
        Files.writeString(file, "{\"base_vocab_size\": 32000, \"llama_ids\": [0, 1, 2, 2]}", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> VocabRemap.read(file));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
    }
}
