package dev.llava4j.llava.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.data.ResponseFormat;
import dev.llava4j.llava.data.TokenizedSample;
import dev.llava4j.llava.model.LlamaForCausalLM;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.nn.Init;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scene annotation the language stand-in is pretrained on: a grid of cell tokens in patch order. */
class CellTokensTest {

    private static final LlamaTokenizer TOKENIZER = tokenizer();

    private static LlamaTokenizer tokenizer() {
        try {
            return DemoTokenizer.load();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Scene scene() {
        // a red circle top left (cell 0), a blue star in the centre (cell 4), 48 px image, 16 px cells
        return new Scene(48, List.of(
                new SceneObject(Shape.CIRCLE, ShapeColor.RED, GridCell.values()[0], 8, 8, 10),
                new SceneObject(Shape.STAR, ShapeColor.BLUE, GridCell.values()[4], 24, 24, 10)));
    }

    /** The stage-1 record of one training image showing {@code scene}. */
    private static LlavaRecord caption(Scene scene) {
        return TrainingRecords.caption("img-0", "train/0.png", scene, new Generator(2));
    }

    /** A corpus of just that record. */
    private static DemoCorpus captionCorpus(LlavaRecord caption, Scene scene) {
        return new DemoCorpus(List.of(caption), List.of(), List.of(), Map.of(caption.image(), scene), List.of(),
                new Generator(1));
    }

    @Test
    void cellWordsFollowThePatchOrderAndLeaveEmptyCellsEmpty() {
        List<int[]> cells = DemoCorpus.cellWords(scene(), TOKENIZER);
        assertEquals(9, cells.size());
        assertArrayEquals(TOKENIZER.encode("red circle", false), cells.get(0));
        assertArrayEquals(TOKENIZER.encode("blue star", false), cells.get(4));
        for (int k : new int[] {1, 2, 3, 5, 6, 7, 8}) {
            assertEquals(0, cells.get(k).length, "cell " + k);
        }
    }

    @Test
    void aCellTokenIsTheSumOfItsWordEmbeddings() {
        StandInLanguageModel.Settings s = new StandInLanguageModel.Settings(16, 32, 1, 2, 1, 0, 0.0, 0.0, 1, 1e-3, 64);
        LlamaForCausalLM lm = new LlamaForCausalLM(s.config(50), Init.normal(new Generator(3), 0.5));
        List<int[]> grid = List.of(new int[] {4, 7}, new int[0], new int[] {9});
        Tensor cells = StandInLanguageModel.cellTokens(lm, List.of(grid, grid));
        assertArrayEquals(new int[] {2, 3, 16}, cells.shape());
        float[] e = lm.embed(Tensor.ofLongs(new long[] {4, 7, 9}, 3)).toFloatArray();
        float[] got = cells.toFloatArray();
        for (int g = 0; g < 2; g++) {
            for (int h = 0; h < 16; h++) {
                assertEquals(e[h] + e[16 + h], got[g * 48 + h], 1e-6);
                assertEquals(0f, got[g * 48 + 16 + h]);
                assertEquals(e[32 + h], got[g * 48 + 32 + h], 1e-6);
            }
        }
        assertNull(StandInLanguageModel.cellTokens(lm, List.of()));
    }

    @Test
    void cellNoiseIsRelativeToTheTokensAndKeepsTheirGradient() {
        int n = 4 * 9 * 32;
        Tensor cells = Tensor.normal(new Generator(5), 0, 3.0, 4, 9, 32).requiresGrad(true);
        Tensor noisy = StandInLanguageModel.withNoise(cells, 0.3, new Generator(6));
        float[] a = cells.toFloatArray();
        float[] b = noisy.toFloatArray();
        double rms = 0;
        double diff = 0;
        for (int i = 0; i < n; i++) {
            rms += a[i] * a[i];
            diff += (b[i] - a[i]) * (b[i] - a[i]);
        }
        rms = Math.sqrt(rms / n);
        // the noise's standard deviation is 0.3 x the tokens' rms (within sampling error of 1152 draws)
        assertEquals(0.3 * rms, Math.sqrt(diff / n), 0.03 * rms);
        noisy.sum().backward();
        for (float g : cells.grad().toFloatArray()) {
            assertEquals(1f, g);
        }
        assertSame(cells, StandInLanguageModel.withNoise(cells, 0, new Generator(6)));
        assertNull(StandInLanguageModel.withNoise(null, 0.3, new Generator(6)));
    }

    @Test
    void aTextSceneGivesShortAnswerLookupsWithItsCellGrid() {
        Scene scene = scene();
        List<String> expected = new ArrayList<>();
        for (QuestionKind kind : SceneLanguage.OPEN_KINDS) {
            for (Question q : SceneLanguage.questions(scene, kind)) {
                expected.add(q.text() + " => " + q.shortAnswer());
            }
        }
        for (ShapeColor colour : ShapeColor.values()) {
            for (Shape shape : Shape.values()) {
                Question q = SceneLanguage.existence(scene, colour, shape);
                expected.add(q.text() + " => " + q.shortAnswer());
            }
        }
        for (long seed = 0; seed < 20; seed++) {
            DemoCorpus.LanguageText text = DemoCorpus.sceneText(scene, new Generator(seed));
            assertEquals(scene, text.scene());
            assertTrue(!text.turns().isEmpty() && text.turns().size() <= DemoCorpus.TURNS_PER_TEXT);
            for (String[] qa : text.turns()) {
                assertTrue(qa[0].endsWith(ResponseFormat.SHORT_ANSWER), qa[0]);
                String question = qa[0].substring(0, qa[0].length() - ResponseFormat.SHORT_ANSWER.length()).strip();
                assertTrue(expected.contains(question + " => " + qa[1]),
                        question + " => " + qa[1] + " is not a true short answer about " + scene.layoutKey());
            }
        }
        DemoCorpus.LanguageText a = DemoCorpus.sceneText(scene, new Generator(5));
        DemoCorpus.LanguageText b = DemoCorpus.sceneText(scene, new Generator(5));
        assertEquals(a.turns().stream().map(List::of).toList(), b.turns().stream().map(List::of).toList());
    }

    @Test
    void thePretrainingPromptIsAPretrainingTextUpToItsFirstAnswer() {
        Scene scene = scene();
        DemoCorpus corpus = new DemoCorpus(List.of(), List.of(), List.of(), Map.of(), List.of(scene), new Generator(1));
        DemoCorpus.LanguageSample sample = corpus.languageSamples(TOKENIZER).getFirst();
        String firstQuestion = DemoCorpus.sceneText(scene, new Generator(1)).turns().getFirst()[0];
        int[] labels = sample.text().labels();
        int firstAnswer = 0;
        while (labels[firstAnswer] == LlavaPreprocessor.IGNORE_INDEX) {
            firstAnswer++;
        }
        int[] prompt = DemoCorpus.pretrainingPrompt(firstQuestion, TOKENIZER);
        assertArrayEquals(Arrays.copyOf(sample.text().inputIds(), firstAnswer), prompt);
        assertEquals(TOKENIZER.bosId(), prompt[0]);
        assertEquals(LlavaPreprocessor.IMAGE_TOKEN_INDEX, prompt[1]);
    }

    @Test
    void aCaptionIsPretrainedInStageOnesLayoutWithTheSceneInTheImagesPlace() {
        Scene scene = scene();
        LlavaRecord caption = caption(scene);
        List<DemoCorpus.LanguageSample> samples = captionCorpus(caption, scene).languageSamples(TOKENIZER);
        assertEquals(1, samples.size());
        TokenizedSample stage1 = LlavaPreprocessor.preprocess(caption, ChatTemplate.PLAIN, TOKENIZER,
                LlavaPreprocessor.DEFAULT_MAX_LENGTH);
        assertArrayEquals(stage1.inputIds(), samples.getFirst().text().inputIds());
        assertArrayEquals(stage1.labels(), samples.getFirst().text().labels());
        List<int[]> cells = samples.getFirst().cells();
        List<int[]> expected = DemoCorpus.cellWords(scene, TOKENIZER);
        assertEquals(expected.size(), cells.size());
        for (int k = 0; k < cells.size(); k++) {
            assertArrayEquals(expected.get(k), cells.get(k), "cell " + k);
        }
    }

    @Test
    void eachLookupDrillIsOneShortAnswerColourOrShapeQuestionAboutATrainingImage() {
        Scene scene = scene();
        List<DemoCorpus.LanguageSample> drills = captionCorpus(caption(scene), scene).lookupDrills(TOKENIZER);
        // red circle + blue star: two colour questions (by circle, by star) and two shape questions (by red, by blue)
        List<String> expected = List.of("What color is the circle? => Red", "What color is the star? => Blue",
                "What shape is the red object? => Circle", "What shape is the blue object? => Star");
        assertEquals(expected.size(), drills.size());
        for (int d = 0; d < drills.size(); d++) {
            String[] qa = expected.get(d).split(" => ");
            int[] prompt = DemoCorpus.pretrainingPrompt(ShapeWorld.shortAnswerPrompt(qa[0]), TOKENIZER);
            int[] answer = TOKENIZER.encode(qa[1], false);
            TokenizedSample text = drills.get(d).text();
            assertEquals(prompt.length + answer.length + 1, text.length(), expected.get(d));
            assertArrayEquals(prompt, Arrays.copyOf(text.inputIds(), prompt.length), expected.get(d));
            for (int k = 0; k < text.length(); k++) {
                int want = k < prompt.length ? LlavaPreprocessor.IGNORE_INDEX
                        : k < prompt.length + answer.length ? answer[k - prompt.length] : TOKENIZER.eosId();
                assertEquals(want, text.labels()[k], expected.get(d) + " label " + k);
            }
            assertEquals(DemoCorpus.cellWords(scene, TOKENIZER).size(), drills.get(d).cells().size());
        }
    }
}
