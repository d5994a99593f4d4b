package dev.llava4j.llava.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.generate.GenerationOptions;
import dev.llava4j.llava.generate.GenerationResult;
import dev.llava4j.llava.generate.TextGenerator;
import dev.llava4j.llava.generate.TokenListener;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.RgbImage;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers every held-out question with a trained checkpoint folder, loaded through {@link LlavaModel} as any
 * checkpoint is, with greedy decoding and the vicuna_v1 prompt the model was trained with; then scores them
 * ({@link DemoScores}) and writes every answer to a JSONL file.
 */
public final class DemoEvaluator {

    /** Enough for the longest expected sentence ("The red triangle is in the bottom right corner."). */
    static final int MAX_NEW_TOKENS = 24;

    private DemoEvaluator() {
    }

    /** The predictions, by question id, in item order. */
    public static Map<String, String> answer(Path checkpoint, Path imageFolder, List<EvalItem> items, int batchSize)
            throws IOException {
        Map<String, RgbImage> images = new HashMap<>();
        Map<String, String> answers = new LinkedHashMap<>();
        try (LlavaModel model = LlavaModel.load(checkpoint)) {
            long imageToken = model.config().imageTokenIndex();
            TextGenerator generator = new TextGenerator(model.module(), model.tokenizer());
            GenerationOptions greedy = GenerationOptions.greedy(MAX_NEW_TOKENS);
            // Short-answer and free-form prompts are decoded in separate batches: short batches stop early.
            for (List<EvalItem> group : List.of(items.stream().filter(i -> i.format().equals(EvalItem.SHORT)).toList(),
                    items.stream().filter(i -> !i.format().equals(EvalItem.SHORT)).toList())) {
                for (int from = 0; from < group.size(); from += batchSize) {
                    List<EvalItem> batch = group.subList(from, Math.min(group.size(), from + batchSize));
                    long[][] ids = new long[batch.size()][];
                    List<RgbImage> pictures = new ArrayList<>();
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = withImageToken(DemoCorpus.promptIds(batch.get(i).text(), model.tokenizer()), imageToken);
                        pictures.add(images.computeIfAbsent(batch.get(i).image(),
                                name -> ImageLoader.load(imageFolder.resolve(name))));
                    }
                    List<GenerationResult> results;
                    try (GradMode.Guard g = GradMode.noGrad()) {
                        Tensor features = model.imageFeatures(pictures);
                        results = generator.generate(ids, features, greedy, TokenListener.NONE);
                    }
                    for (int i = 0; i < results.size(); i++) {
                        answers.put(batch.get(i).questionId(), results.get(i).text());
                    }
                }
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (EvalItem item : items) {
            ordered.put(item.questionId(), answers.get(item.questionId()));
        }
        return ordered;
    }

    /** The training placeholder (-200) becomes the checkpoint's image token id, which generation looks for. */
    static long[] withImageToken(int[] ids, long imageToken) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i] == LlavaPreprocessor.IMAGE_TOKEN_INDEX ? imageToken : ids[i];
        }
        return out;
    }

    /** One JSON line per question: the item, the model's answer and whether it counts as right. */
    public static void writeAnswers(Path file, List<EvalItem> items, Map<String, String> answers) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (EvalItem item : items) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("question_id", item.questionId());
                row.put("image", item.image());
                row.put("kind", item.kind().label());
                row.put("format", item.format());
                row.put("prompt", item.text());
                row.put("expected", item.answer());
                String answer = answers.get(item.questionId());
                row.put("answer", answer);
                row.put("correct", DemoScores.isCorrect(item, answer));
                w.write(mapper.writeValueAsString(row));
                w.write('\n');
            }
        }
    }
}
