package dev.llava4j.llava.demo;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.generate.GenerationOptions;
import dev.llava4j.llava.generate.GenerationResult;
import dev.llava4j.llava.generate.TextGenerator;
import dev.llava4j.llava.generate.TokenListener;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.RgbImage;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the demo's accuracy is lost. After stage 1 the language model is still the frozen stand-in, so the stage-1
 * checkpoint answers the held-out short-answer questions in the stand-in's pretraining layout (no chat template)
 * twice: once reading the scene's true cell tokens, which is what a perfectly aligned projector would give (the
 * language stand-in's ceiling), and once reading the projected image features, which is what stage 1 achieved.
 *
 * @param trueCells accuracy per question kind with the true cell tokens
 * @param projected accuracy per question kind with the projected image
 * @param trueCellsColorShape accuracy over the colour and shape questions with the true cell tokens
 * @param projectedColorShape the same with the projected image
 */
public record Stage1Reading(Map<QuestionKind, Double> trueCells, Map<QuestionKind, Double> projected,
                            double trueCellsColorShape, double projectedColorShape) {

    /** A short answer is a word or two; a few more tokens show what the model says instead. */
    private static final int MAX_NEW_TOKENS = 8;

    /**
     * @param scenes what each held-out image shows, by image path
     */
    static Stage1Reading measure(Path stage1Checkpoint, Path imageFolder, List<EvalItem> items,
                                 Map<String, Scene> scenes, int batchSize) throws IOException {
        List<EvalItem> shortItems = items.stream().filter(i -> i.format().equals(EvalItem.SHORT)).toList();
        Map<QuestionKind, int[]> trueRight = new EnumMap<>(QuestionKind.class);
        Map<QuestionKind, int[]> projectedRight = new EnumMap<>(QuestionKind.class);
        Map<String, RgbImage> images = new HashMap<>();
        try (LlavaModel model = LlavaModel.load(stage1Checkpoint); GradMode.Guard g = GradMode.noGrad()) {
            LlamaTokenizer tokenizer = model.tokenizer();
            TextGenerator generator = new TextGenerator(model.module(), tokenizer);
            GenerationOptions greedy = GenerationOptions.greedy(MAX_NEW_TOKENS);
            long imageToken = model.config().imageTokenIndex();
            for (int from = 0; from < shortItems.size(); from += batchSize) {
                List<EvalItem> batch = shortItems.subList(from, Math.min(shortItems.size(), from + batchSize));
                long[][] ids = new long[batch.size()][];
                List<List<int[]>> grids = new ArrayList<>();
                List<RgbImage> pictures = new ArrayList<>();
                for (int i = 0; i < ids.length; i++) {
                    EvalItem item = batch.get(i);
                    Scene scene = scenes.get(item.image());
                    if (scene == null) {
                        throw new IllegalArgumentException("no scene for held-out image '" + item.image() + "'");
                    }
                    ids[i] = DemoEvaluator.withImageToken(DemoCorpus.pretrainingPrompt(item.text(), tokenizer),
                            imageToken);
                    grids.add(DemoCorpus.cellWords(scene, tokenizer));
                    pictures.add(images.computeIfAbsent(item.image(),
                            name -> ImageLoader.load(imageFolder.resolve(name))));
                }
                Tensor cells = StandInLanguageModel.cellTokens(model.module().languageModel(), grids);
                count(batch, generator.generate(ids, cells, greedy, TokenListener.NONE), trueRight);
                count(batch, generator.generate(ids, model.imageFeatures(pictures), greedy, TokenListener.NONE),
                        projectedRight);
            }
        }
        return new Stage1Reading(fractions(trueRight), fractions(projectedRight), colorShape(trueRight),
                colorShape(projectedRight));
    }

    private static void count(List<EvalItem> batch, List<GenerationResult> results, Map<QuestionKind, int[]> right) {
        for (int i = 0; i < batch.size(); i++) {
            int[] tally = right.computeIfAbsent(batch.get(i).kind(), k -> new int[2]);
            tally[1]++;
            if (DemoScores.isCorrect(batch.get(i), results.get(i).text())) {
                tally[0]++;
            }
        }
    }

    private static Map<QuestionKind, Double> fractions(Map<QuestionKind, int[]> tallies) {
        Map<QuestionKind, Double> out = new EnumMap<>(QuestionKind.class);
        tallies.forEach((kind, t) -> out.put(kind, t[0] / (double) t[1]));
        return out;
    }

    /** Accuracy over the colour and shape questions together (NaN when there are none). */
    private static double colorShape(Map<QuestionKind, int[]> tallies) {
        int right = 0;
        int total = 0;
        for (QuestionKind kind : List.of(QuestionKind.COLOR, QuestionKind.SHAPE)) {
            int[] t = tallies.getOrDefault(kind, new int[2]);
            right += t[0];
            total += t[1];
        }
        return total == 0 ? Double.NaN : right / (double) total;
    }
}
