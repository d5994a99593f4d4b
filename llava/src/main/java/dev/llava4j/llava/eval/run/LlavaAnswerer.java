package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.eval.py.PyStrings;
import dev.llava4j.llava.generate.GenerationOptions;
import dev.llava4j.llava.generate.GenerationResult;
import dev.llava4j.llava.generate.TextGenerator;
import dev.llava4j.llava.generate.TokenListener;
import dev.llava4j.llava.image.RgbImage;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers with a loaded model as LLaVA's eval scripts do: the vicuna_v1 prompt with {@code "<image>\n" + text}
 * (whatever the checkpoint's layout: llava-hf weights are the same model, evaluated with the same template),
 * greedy decoding to EOS or max_new_tokens, the new ids decoded skipping special tokens and Python-stripped.
 * A batch decodes together with left padding, as {@link LlavaModel#generateBatch} does; the prompts are built
 * here because generateBatch uses the checkpoint's own prompt format.
 *
 * <p>Decoding runs on ids only and the text is decoded at the end: llava-hf's embedding has rows past the
 * tokenizer (32064 vs 32002), and an id there (which only untrained weights produce) is dropped as Hugging Face's
 * fast tokenizer drops unknown ids, and counted, instead of failing the run.
 */
public final class LlavaAnswerer implements Answerer {

    /** LLaMA's EOS, where ids-only decoding stops (the tokenizer's eos_token_id for every LLaVA-1.5 checkpoint). */
    private static final int LLAMA_EOS = 2;

    private final LlavaModel model;
    private final GenerationOptions options;
    private long droppedIds;

    public LlavaAnswerer(LlavaModel model, int maxNewTokens) {
        if (model.tokenizer().eosId() != LLAMA_EOS) {
            throw new IllegalArgumentException(model.directory() + ": tokenizer EOS id " + model.tokenizer().eosId()
                    + " is not LLaMA's " + LLAMA_EOS);
        }
        this.model = model;
        this.options = GenerationOptions.greedy(maxNewTokens);
    }

    /** The full prompt string of a question. */
    public static String prompt(EvalQuestion question) {
        return ChatTemplate.VICUNA_V1.inferencePrompt(question.text(), question.hasImage());
    }

    @Override
    public List<String> answer(List<EvalQuestion> questions, List<RgbImage> images) {
        long[][] ids = new long[questions.size()][];
        List<RgbImage> present = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = model.tokenize(prompt(questions.get(i)));
            if (images.get(i) != null) {
                present.add(images.get(i));
            }
        }
        List<GenerationResult> results;
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor features = present.isEmpty() ? null : model.imageFeatures(present);
            results = new TextGenerator(model.module(), null).generate(ids, features, options, TokenListener.NONE);
        }
        List<String> texts = new ArrayList<>(results.size());
        for (GenerationResult r : results) {
            int[] known = knownIds(model.tokenizer(), r.ids());
            droppedIds += r.ids().length - known.length;
            texts.add(PyStrings.strip(model.tokenizer().decode(known, true)));
        }
        return texts;
    }

    /** Generated ids the tokenizer has no token for, dropped so far. */
    public long droppedIds() {
        return droppedIds;
    }

    /** The ids that the tokenizer can decode. */
    static int[] knownIds(LlamaTokenizer tokenizer, int[] ids) {
        return Arrays.stream(ids).filter(id -> id >= 0 && id < tokenizer.vocabSize()).toArray();
    }
}
