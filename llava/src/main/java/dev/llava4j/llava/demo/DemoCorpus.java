package dev.llava4j.llava.demo;

import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.data.TokenizedSample;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.tensor.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every text the demo tokenizes, in the form the code that uses it tokenizes it: stage-1 records (plain
 * template), stage-2 records (vicuna_v1), the language stand-in's pretraining text and the evaluation prompts.
 * Encoding it with LLaMA's tokenizer gives the demo vocabulary; encoding it again with the demo tokenizer checks
 * that both segment alike.
 *
 * <p>The language stand-in's pretraining text is the training records with the image replaced by an annotation of
 * the scene: a 3x3 grid of cell tokens, each the sum of the word embeddings of the colour and the shape in that
 * cell (zero for an empty cell), in the image's patch order. The answers can be read from that context, so the
 * model learns to look things up in it, as a pretrained LLM can (extra scenes that have no image,
 * {@link #sceneText}, give it more of these lookups than the training images could); LLaVA's own instruction data
 * was written the same way, by a text-only GPT-4 reading captions and boxes. Stage 1 then teaches the projector to
 * turn image patches into tokens the model reads like these annotations. The captions are laid out exactly as
 * stage 1 presents them (plain template: the grid, then the caption), so that the true cell tokens are what makes
 * stage 1's loss lowest; with the captions in the question-answer layout of the other texts, stage 1 found
 * projections that lower the caption loss without being read like cell tokens (0.22 of the held-out colour/shape
 * questions answered from the projected image after stage 1, 0.30 with this layout, same settings).
 */
public final class DemoCorpus {

    private final List<LlavaRecord> stage1;
    private final List<LlavaRecord> stage2;
    private final List<LanguageText> languageText;
    private final List<Caption> captions;
    private final List<LanguageText> drills;
    private final List<EvalItem> eval;

    /**
     * @param scenes     what each training image shows, by image path (every image of the records must be there)
     * @param textScenes scenes without an image that only the language stand-in reads about (see
     *                   {@link #sceneText}); their texts are drawn with {@code random}
     */
    public DemoCorpus(List<LlavaRecord> stage1, List<LlavaRecord> stage2, List<EvalItem> eval,
                      Map<String, Scene> scenes, List<Scene> textScenes, Generator random) {
        this.stage1 = List.copyOf(stage1);
        this.stage2 = List.copyOf(stage2);
        this.eval = List.copyOf(eval);
        List<LanguageText> texts = new ArrayList<>();
        List<Caption> captions = new ArrayList<>();
        for (LlavaRecord r : stage1) {
            if (r.hasImage()) {
                captions.add(new Caption(r, sceneOf(r, scenes)));
            } else {
                texts.add(new LanguageText(null, turns(r)));
            }
        }
        texts.addAll(grouped(stage2, scenes));
        for (Scene scene : textScenes) {
            texts.add(sceneText(scene, random));
        }
        this.languageText = List.copyOf(texts);
        this.captions = List.copyOf(captions);
        this.drills = captions.stream().flatMap(c -> lookupDrills(c.scene()).stream()).toList();
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
        List<LanguageSample> pretraining = new ArrayList<>(languageSamples(tokenizer));
        pretraining.addAll(lookupDrills(tokenizer));
        for (LanguageSample sample : pretraining) {
            ids.add(Arrays.stream(sample.text().inputIds())
                    .filter(id -> id != LlavaPreprocessor.IMAGE_TOKEN_INDEX).toArray());
            names.add("language pretraining text " + (ids.size() - stage1.size() - stage2.size()));
            if (sample.cells() != null) {
                ids.add(sample.cells().stream().flatMapToInt(Arrays::stream).toArray());
                names.add("cell words of language pretraining text " + (ids.size() - stage1.size() - stage2.size() - 1));
            }
        }
        for (EvalItem item : eval) {
            ids.add(promptIds(item.text(), tokenizer));
            names.add("evaluation prompt '" + item.questionId() + "'");
        }
        return new Encoded(ids, names);
    }

    /**
     * One pretraining sample of the language stand-in.
     *
     * @param text  token ids and labels; a sample about an image holds one image placeholder
     *              ({@link LlavaPreprocessor#IMAGE_TOKEN_INDEX}) where the grid of cell tokens goes
     * @param cells per grid cell in patch order, the token ids whose embeddings make up the cell token (colour
     *              word, shape word; empty for an empty cell); null for a text-only sample
     */
    public record LanguageSample(TokenizedSample text, List<int[]> cells) {
    }

    /**
     * The language stand-in's pretraining samples: each stage-1 record as stage 1 tokenizes it (plain template,
     * the loss on the caption) with the scene's grid in the image's place; then one per training image (or per
     * group of at most {@link #TURNS_PER_TEXT} question-answer pairs) of the stage-2 records: the scene's grid,
     * then the questions asked about that image, each followed by its answer, with the loss on the answers (what a
     * chat model is tuned on). Text-only records stay as they are. No chat template: the template is learned in
     * stage 2 as the real model learned vicuna_v1.
     */
    public List<LanguageSample> languageSamples(LlamaTokenizer tokenizer) {
        List<LanguageSample> out = new ArrayList<>();
        for (Caption c : captions) {
            out.add(new LanguageSample(LlavaPreprocessor.preprocess(c.record(), ChatTemplate.PLAIN, tokenizer,
                    LlavaPreprocessor.DEFAULT_MAX_LENGTH), cellWords(c.scene(), tokenizer)));
        }
        for (LanguageText text : languageText) {
            out.add(sample(text, tokenizer));
        }
        return out;
    }

    /**
     * The lookup drills of the language stand-in, one per short-answer colour or shape question that a training
     * image's scene allows ("What color is the star?" + the response-format prompt, answered "Red"), alone in its
     * text, laid out like the other pretraining texts. Drilled before the mixed texts (see
     * {@link StandInLanguageModel.Settings#drillSteps}), they teach the lookups by shape that the mixed texts
     * alone never did: on the samples of the full world, a PyTorch copy of the 2-layer stand-in answered the
     * held-out colour questions 0.51-0.60 from the true cell tokens after training on the mixed texts alone, and
     * 0.68-1.0 (three seeds) after 400 drill steps, 300 mixed steps with 75 % drills, and 4 heads. (The mixed
     * texts also let half of their colour and shape questions be answered from an earlier turn until the
     * conversations were split, see {@link TrainingRecords#withoutGiveaways}.)
     */
    public List<LanguageSample> lookupDrills(LlamaTokenizer tokenizer) {
        return drills.stream().map(d -> sample(d, tokenizer)).toList();
    }

    private static List<LanguageText> lookupDrills(Scene scene) {
        List<LanguageText> out = new ArrayList<>();
        for (QuestionKind kind : List.of(QuestionKind.COLOR, QuestionKind.SHAPE)) {
            for (Question q : SceneLanguage.questions(scene, kind)) {
                out.add(new LanguageText(scene, List.<String[]>of(
                        new String[] {ShapeWorld.shortAnswerPrompt(q.text()), q.shortAnswer()})));
            }
        }
        return out;
    }

    /** A text laid out for pretraining: the grid (for a scene) or BOS, then each question and its answer. */
    private static LanguageSample sample(LanguageText text, LlamaTokenizer tokenizer) {
        List<Integer> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        append(ids, labels, text.scene() != null ? pretrainingImagePrefix(tokenizer) : new int[] {tokenizer.bosId()},
                false);
        for (String[] qa : text.turns()) {
            append(ids, labels, tokenizer.encode(qa[0], false), false);
            append(ids, labels, tokenizer.encode(qa[1], false), true);
            append(ids, labels, new int[] {tokenizer.eosId()}, true);
        }
        TokenizedSample sample = new TokenizedSample(ids.stream().mapToInt(Integer::intValue).toArray(),
                labels.stream().mapToInt(Integer::intValue).toArray());
        return new LanguageSample(sample, text.scene() == null ? null : cellWords(text.scene(), tokenizer));
    }

    /** BOS, the image placeholder and a newline: how a pretraining text about a scene starts. */
    private static int[] pretrainingImagePrefix(LlamaTokenizer tokenizer) {
        int[] newline = tokenizer.encode("\n", false);
        int[] out = new int[2 + newline.length];
        out[0] = tokenizer.bosId();
        out[1] = LlavaPreprocessor.IMAGE_TOKEN_INDEX;
        System.arraycopy(newline, 0, out, 2, newline.length);
        return out;
    }

    /** A question about a scene laid out as in the language stand-in's pretraining, without the answer. */
    static int[] pretrainingPrompt(String question, LlamaTokenizer tokenizer) {
        int[] prefix = pretrainingImagePrefix(tokenizer);
        int[] q = tokenizer.encode(question, false);
        int[] out = Arrays.copyOf(prefix, prefix.length + q.length);
        System.arraycopy(q, 0, out, prefix.length, q.length);
        return out;
    }

    /** The grid side the cell tokens are laid out on: one per patch of the stand-in vision tower. */
    static final int GRID = 3;

    /** Per cell (patch order) the ids of its colour and shape words, as in {@link PatchLabels}. */
    static List<int[]> cellWords(Scene scene, LlamaTokenizer tokenizer) {
        PatchLabels labels = PatchLabels.of("", scene, GRID);
        List<int[]> cells = new ArrayList<>();
        for (int k = 0; k < labels.colour().length; k++) {
            if (labels.colour()[k] == 0) {
                cells.add(new int[0]);
                continue;
            }
            String words = ShapeColor.values()[labels.colour()[k] - 1].word() + " "
                    + Shape.values()[labels.shape()[k] - 1].word();
            cells.add(tokenizer.encode(words, false));
        }
        return cells;
    }

    private static void append(List<Integer> ids, List<Integer> labels, int[] piece, boolean supervised) {
        for (int id : piece) {
            ids.add(id);
            labels.add(supervised ? id : LlavaPreprocessor.IGNORE_INDEX);
        }
    }

    /** The evaluation prompt: vicuna_v1 with the image first, as LLaVA-1.5's evaluation scripts build it. */
    public static int[] promptIds(String question, LlamaTokenizer tokenizer) {
        return LlavaPreprocessor.tokenizerImageToken(ChatTemplate.VICUNA_V1.inferencePrompt(question, true), tokenizer);
    }

    private static int[] preprocess(LlavaRecord r, ChatTemplate template, LlamaTokenizer tokenizer) {
        return LlavaPreprocessor.preprocess(r, template, tokenizer, LlavaPreprocessor.DEFAULT_MAX_LENGTH).inputIds();
    }

    /** Question-answer pairs per text, so that no text is much longer than a stage-2 sample. */
    static final int TURNS_PER_TEXT = 4;

    /** One pretraining text: the scene (null for text-only records) and (question, answer) pairs. */
    record LanguageText(Scene scene, List<String[]> turns) {
    }

    /** A stage-1 record and the scene its image shows. */
    private record Caption(LlavaRecord record, Scene scene) {
    }

    /** The records' turns grouped by image, the image placeholder dropped, each group with its scene. */
    private static List<LanguageText> grouped(List<LlavaRecord> records, Map<String, Scene> scenes) {
        Map<String, List<String[]>> byImage = new LinkedHashMap<>();
        List<LanguageText> out = new ArrayList<>();
        for (LlavaRecord r : records) {
            if (!r.hasImage()) {
                out.add(new LanguageText(null, turns(r)));
            } else {
                sceneOf(r, scenes);
                byImage.computeIfAbsent(r.image(), k -> new ArrayList<>()).addAll(turns(r));
            }
        }
        byImage.forEach((image, turns) -> out.addAll(chunks(scenes.get(image), turns)));
        return out;
    }

    private static Scene sceneOf(LlavaRecord r, Map<String, Scene> scenes) {
        Scene scene = scenes.get(r.image());
        if (scene == null) {
            throw new IllegalArgumentException("record '" + r.id() + "': no scene for image '" + r.image() + "'");
        }
        return scene;
    }

    /**
     * One text about a scene that has no image: the short-answer questions a training image with this scene
     * would get (its VQA and yes/no records, drawn with {@code random}), one group of them picked at random.
     * These let the language stand-in practise looking answers up in the cell tokens on many more scenes than
     * there are images. With the training images' texts alone it learned the lookups by colour ("What shape is
     * the red object?") only for the training scenes, 61 % right on held-out scenes given their true cell
     * tokens; with 4800 such texts and 1000 steps, 100 %. (Lookups by shape, "What color is the star?", stay
     * near the 50-60 % of picking a colour present in the scene; more steps, width, heads or a third layer did
     * not change that.)
     */
    static LanguageText sceneText(Scene scene, Generator random) {
        List<LanguageText> chunks = new ArrayList<>();
        for (List<String> conversation : TrainingRecords.shortAnswerConversations(scene, random)) {
            chunks.addAll(chunks(scene, pairs(conversation)));
        }
        return chunks.get(random.nextInt(chunks.size()));
    }

    /** (question, answer) pairs of a record, the image placeholder dropped. */
    private static List<String[]> turns(LlavaRecord r) {
        return pairs(r.conversations().stream().map(LlavaRecord.Message::value).toList());
    }

    /** Alternating human and assistant values as (question, answer) pairs, the image placeholder dropped. */
    private static List<String[]> pairs(List<String> values) {
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < values.size(); i += 2) {
            pairs.add(new String[] {values.get(i).replace(LlavaPreprocessor.IMAGE_TOKEN, "").strip(),
                    values.get(i + 1).strip()});
        }
        return pairs;
    }

    /** The turns about one scene in texts of at most {@link #TURNS_PER_TEXT} pairs. */
    private static List<LanguageText> chunks(Scene scene, List<String[]> turns) {
        List<LanguageText> out = new ArrayList<>();
        for (int from = 0; from < turns.size(); from += TURNS_PER_TEXT) {
            out.add(new LanguageText(scene, turns.subList(from, Math.min(turns.size(), from + TURNS_PER_TEXT))));
        }
        return out;
    }
}
