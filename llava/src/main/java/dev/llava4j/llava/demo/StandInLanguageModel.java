package dev.llava4j.llava.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.TokenizedSample;
import dev.llava4j.llava.model.CausalLmLoss;
import dev.llava4j.llava.model.LlamaForCausalLM;
import dev.llava4j.llava.model.MergedBatch;
import dev.llava4j.llava.model.TextConfig;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.optim.AdamW;
import dev.llava4j.nn.optim.ParamGroups;
import dev.llava4j.nn.schedule.GradClip;
import dev.llava4j.nn.schedule.LrSchedule;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.safetensors.TensorFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * STAND-IN for Vicuna-7B, which cannot be shipped: a tiny LLaMA (same module tree and weight names, a couple of
 * layers, the demo's cut-down LLaMA vocabulary) trained from scratch with next-token prediction on text-only
 * versions of the training conversations and of short-answer questions about extra scenes, the image replaced by a
 * grid of cell tokens annotating the scene (see {@link DemoCorpus#languageSamples}), with the loss on the answers.
 * Like Vicuna it then knows the words and how to answer from what it has been told, but has never seen an
 * image. Saved as a LlamaForCausalLM folder (config.json, model.safetensors with {@code model.*} and
 * {@code lm_head.weight}, tokenizer files) that {@code TrainingModel.fromComponents} loads like the real one.
 */
public final class StandInLanguageModel {

    /**
     * @param steps      optimizer steps in all
     * @param drillSteps the first steps, which draw only lookup drills ({@link DemoCorpus#lookupDrills})
     * @param drillShare the share of drills in the later steps' batches (the rest are the mixed texts)
     * @param cellNoise  noise added to the cell tokens in training, relative to their root mean square (see
     *                   {@link #withNoise})
     */
    public record Settings(int hidden, int intermediate, int layers, int heads, int steps, int drillSteps,
                           double drillShare, double cellNoise, int batchSize, double lr, int maxPositions) {

        public Settings {
            if (hidden % heads != 0 || layers < 1 || steps < 1 || drillSteps < 0 || drillSteps > steps
                    || !(drillShare >= 0 && drillShare <= 1) || !(cellNoise >= 0) || batchSize < 1
                    || maxPositions < 16) {
                throw new IllegalArgumentException("inconsistent stand-in language model settings " + this);
            }
        }

        TextConfig config(int vocabSize) {
            return new TextConfig(hidden, intermediate, layers, heads, heads, vocabSize, 1e-6, 10000.0, maxPositions,
                    "silu", false, false);
        }
    }

    /** @param losses (step, loss) per step */
    public record Result(Path folder, List<double[]> losses, int parameters, double seconds) {
    }

    private StandInLanguageModel() {
    }

    /**
     * Trains on {@code samples} and {@code drills} (token ids of the demo tokenizer with their labels; drills only
     * for the first {@link Settings#drillSteps} steps, then a {@link Settings#drillShare} of each batch) and saves
     * the model with the tokenizer files of {@code tokenizerFolder} into {@code folder}.
     */
    public static Result train(Settings s, int vocabSize, List<DemoCorpus.LanguageSample> samples,
                               List<DemoCorpus.LanguageSample> drills, Path tokenizerFolder, Path folder, long seed,
                               PrintStream log) throws IOException {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no text to pretrain the stand-in language model on");
        }
        if (drills.isEmpty() && (s.drillSteps() > 0 || s.drillShare() > 0)) {
            throw new IllegalArgumentException("settings ask for lookup drills but there are none: " + s);
        }
        long start = System.nanoTime();
        Generator gen = new Generator(seed);
        TextConfig config = s.config(vocabSize);
        LlamaForCausalLM lm = new LlamaForCausalLM(config, Init.normal(gen, initStd(s.hidden())));
        AdamW optimizer = new AdamW(ParamGroups.decayExceptBiasesAndNorms(lm, s.lr(), 0.0));
        LrSchedule schedule = LrSchedule.cosineWithWarmup(Math.max(1, s.steps() / 20), s.steps());
        List<double[]> losses = new ArrayList<>();
        for (int step = 0; step < s.steps(); step++) {
            long[][] ids = new long[s.batchSize()][];
            long[][] labels = new long[s.batchSize()][];
            List<List<int[]>> grids = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                boolean drill = step < s.drillSteps() || (s.drillShare() > 0 && gen.nextDouble() < s.drillShare());
                List<DemoCorpus.LanguageSample> from = drill ? drills : samples;
                DemoCorpus.LanguageSample sample = from.get(gen.nextInt(from.size()));
                TokenizedSample text = sample.text();
                int n = Math.min(text.length(), s.maxPositions());
                ids[i] = new long[n];
                labels[i] = new long[n];
                for (int k = 0; k < n; k++) {
                    ids[i][k] = text.inputIds()[k];
                    labels[i][k] = text.labels()[k];
                }
                if (sample.cells() != null) {
                    grids.add(sample.cells());
                }
            }
            try (TensorScope scope = TensorScope.open()) {
                Tensor cells = withNoise(cellTokens(lm, grids), s.cellNoise(), gen);
                MergedBatch batch = MergedBatch.build(lm, ids, labels, cells, LlavaPreprocessor.IMAGE_TOKEN_INDEX,
                        LlavaPreprocessor.IGNORE_INDEX, MergedBatch.Padding.RIGHT);
                Tensor hidden = lm.hidden(batch.embeddings(), batch.positions(), batch.additiveMask(), null);
                Tensor loss = CausalLmLoss.ofHidden(lm, hidden, batch.labelTensor(), LlavaPreprocessor.IGNORE_INDEX);
                losses.add(new double[] {step + 1, loss.item()});
                loss.backward();
            }
            GradClip.clipGlobalNorm(optimizer, 1.0);
            schedule.apply(optimizer, step);
            optimizer.step();
            optimizer.zeroGrad();
            if ((step + 1) % 50 == 0 || step + 1 == s.steps()) {
                log.printf("  language stand-in step %d/%d loss %.4f%n", step + 1, s.steps(), losses.getLast()[1]);
            }
        }
        save(lm, config, tokenizerFolder, folder);
        return new Result(folder, losses, (int) lm.parameterCount(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * The grids as "image features" [grids, cells, hidden]: each cell token is the sum of the embeddings of its
     * words (colour, shape), an empty cell is zero. Gradients flow into the embedding table. Null without grids.
     */
    static Tensor cellTokens(LlamaForCausalLM lm, List<List<int[]>> grids) {
        if (grids.isEmpty()) {
            return null;
        }
        int cells = grids.getFirst().size();
        int words = 1;
        for (List<int[]> grid : grids) {
            for (int[] cell : grid) {
                words = Math.max(words, cell.length);
            }
        }
        long[] ids = new long[grids.size() * cells * words];
        float[] mask = new float[ids.length];
        for (int g = 0; g < grids.size(); g++) {
            for (int c = 0; c < cells; c++) {
                int[] cell = grids.get(g).get(c);
                for (int w = 0; w < cell.length; w++) {
                    int at = (g * cells + c) * words + w;
                    ids[at] = cell[w];
                    mask[at] = 1;
                }
            }
        }
        int hidden = lm.config().hiddenSize();
        Tensor embedded = lm.embed(Tensor.ofLongs(ids, ids.length)).reshape(grids.size(), cells, words, hidden);
        return embedded.mul(Tensor.of(mask, grids.size(), cells, words, 1)).sum(2, false);
    }

    /**
     * The cell tokens plus Gaussian noise of standard deviation {@code noise} times their root mean square (null
     * stays null). A projector never reproduces the cell tokens exactly: on the full world's held-out images a
     * least-squares linear map from the vision stand-in's patch features to the true cell tokens leaves 15 % of
     * their variance unexplained, and a stand-in that had only ever read exact cell tokens answered 0.50 / 0.64 of
     * the colour / shape questions through that map (1.0 / 0.99 from the true cell tokens). Pretrained on noisy
     * cell tokens it reads a neighbourhood of each, as an LLM's input space is continuous, and stage 1 has
     * something to align to.
     */
    static Tensor withNoise(Tensor cells, double noise, Generator gen) {
        if (cells == null || noise == 0) {
            return cells;
        }
        Tensor plain = cells.detach();
        double rms = Math.sqrt(plain.mul(plain).mean().item());
        return cells.add(Tensor.normal(gen, 0, noise * rms, cells.shape()));
    }

    /**
     * Weight init std 1/sqrt(hidden) instead of LLaMA's 0.02: at width 64, 0.02 makes the attention logits start
     * near zero and content-based lookup (which cell holds the circle?) sits on a plateau for thousands of
     * steps; at 1/sqrt(hidden) it is learned in a few hundred (measured on a PyTorch model of an abstracted version
     * of the demo task, random vectors standing in for patch features).
     */
    static double initStd(int hidden) {
        return 1.0 / Math.sqrt(hidden);
    }

    /** config.json (LlamaConfig), model.safetensors and the tokenizer files. */
    static void save(LlamaForCausalLM lm, TextConfig c, Path tokenizerFolder, Path folder) throws IOException {
        Files.createDirectories(folder);
        ObjectMapper om = new ObjectMapper();
        ObjectNode config = om.createObjectNode();
        config.putArray("architectures").add("LlamaForCausalLM");
        config.put("model_type", "llama");
        config.put("hidden_size", c.hiddenSize());
        config.put("intermediate_size", c.intermediateSize());
        config.put("num_hidden_layers", c.numLayers());
        config.put("num_attention_heads", c.numHeads());
        config.put("num_key_value_heads", c.numKvHeads());
        config.put("vocab_size", c.vocabSize());
        config.put("rms_norm_eps", c.rmsNormEps());
        config.put("rope_theta", c.ropeTheta());
        config.put("max_position_embeddings", c.maxPositions());
        config.put("hidden_act", c.hiddenAct());
        config.put("tie_word_embeddings", c.tieWordEmbeddings());
        config.put("bos_token_id", VocabRemap.BOS);
        config.put("eos_token_id", VocabRemap.EOS);
        config.put("pad_token_id", VocabRemap.UNK);
        config.put("_llava4j_note", "demo stand-in for lmsys/vicuna-7b-v1.5, trained on the shapes world's text");
        om.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("config.json").toFile(), config);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        lm.stateDict().forEach((k, t) -> tensors.put(k, t.detach()));
        TensorFiles.write(folder.resolve("model.safetensors"), tensors, Map.of("format", "pt", "producer", "llava4j demo"));
        try (var files = Files.list(tokenizerFolder)) {
            for (Path f : files.toList()) {
                Files.copy(f, folder.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
