package dev.llava4j.llava.demo;

import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Every text the demo tokenizes, in the form the code that uses it tokenizes it: stage-1 records (plain
 * template), stage-2 records (vicuna_v1), the language stand-in's pretraining text and the evaluation prompts.
 * Encoding it with LLaMA's tokenizer gives the demo vocabulary; encoding it again with the demo tokenizer checks
 * that both segment alike.
 */
public final class DemoCorpus {

    private final List<LlavaRecord> stage1;
    private final List<LlavaRecord> stage2;
    private final List<LlavaRecord> languageText;
    private final List<EvalItem> eval;

    public DemoCorpus(List<LlavaRecord> stage1, List<LlavaRecord> stage2, List<EvalItem> eval) {
        this.stage1 = List.copyOf(stage1);
        this.stage2 = List.copyOf(stage2);
        this.eval = List.copyOf(eval);
        this.languageText = textOnly(stage1, stage2);
    }

    /** One encoding per text, with names saying which text it is. */
    public record Encoded(List<int[]> ids, List<String> names) {
    }

    public Encoded encode(LlamaTokenizer tokenizer) {
        List<int[]> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (LlavaRecord r : stage1) {
            ids.add(preprocess(r, ChatTemplate.PLAIN, tokenizer));
            names.add("stage-1 record '" + r.id() + "'");
        }
        for (LlavaRecord r : stage2) {
            ids.add(preprocess(r, ChatTemplate.VICUNA_V1, tokenizer));
            names.add("stage-2 record '" + r.id() + "'");
        }
        for (int[] seq : languageSequences(tokenizer)) {
            ids.add(seq);
            names.add("language pretraining text " + (ids.size() - stage1.size() - stage2.size()));
        }
        for (EvalItem item : eval) {
            ids.add(promptIds(item.text(), tokenizer));
            names.add("evaluation prompt '" + item.questionId() + "'");
        }
        return new Encoded(ids, names);
    }

    /** The language stand-in's pretraining sequences: every conversation without its image, in vicuna_v1. */
    public List<int[]> languageSequences(LlamaTokenizer tokenizer) {
        List<int[]> out = new ArrayList<>();
        for (LlavaRecord r : languageText) {
            out.add(preprocess(r, ChatTemplate.VICUNA_V1, tokenizer));
        }
        return out;
    }

    /** The evaluation prompt: vicuna_v1 with the image first, as LLaVA-1.5's evaluation scripts build it. */
    public static int[] promptIds(String question, LlamaTokenizer tokenizer) {
        return LlavaPreprocessor.tokenizerImageToken(ChatTemplate.VICUNA_V1.inferencePrompt(question, true), tokenizer);
    }

    private static int[] preprocess(LlavaRecord r, ChatTemplate template, LlamaTokenizer tokenizer) {
        return LlavaPreprocessor.preprocess(r, template, tokenizer, LlavaPreprocessor.DEFAULT_MAX_LENGTH).inputIds();
    }

    /** Stage-1 captions become a one-turn chat; every record loses its image placeholder. */
    private static List<LlavaRecord> textOnly(List<LlavaRecord> stage1, List<LlavaRecord> stage2) {
        List<LlavaRecord> out = new ArrayList<>();
        for (List<LlavaRecord> list : List.of(stage1, stage2)) {
            for (LlavaRecord r : list) {
                List<LlavaRecord.Message> turns = new ArrayList<>();
                for (LlavaRecord.Message m : r.conversations()) {
                    turns.add(new LlavaRecord.Message(m.from(),
                            m.value().replace(LlavaPreprocessor.IMAGE_TOKEN, "").strip()));
                }
                out.add(new LlavaRecord(r.id() + "-text", null, turns));
            }
        }
        return out;
    }
}
