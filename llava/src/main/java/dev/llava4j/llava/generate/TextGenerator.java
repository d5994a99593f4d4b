package dev.llava4j.llava.generate;

import dev.llava4j.llava.model.LlamaForCausalLM;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.model.MergedBatch;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.llava.tokenizer.StreamingDecoder;
import dev.llava4j.nn.KvCache;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.ops.Elementwise;

import java.util.ArrayList;
import java.util.List;

/**
 * Autoregressive decoding with a KV cache: one prefill over the merged prompt (image features spliced in), then one
 * token per step. Several prompts decode together, left-padded, with an attention mask over the padding.
 */
public final class TextGenerator {
    private final LlavaForConditionalGeneration model;
    private final LlamaTokenizer tokenizer;
    private final int eosId;

    /** @param tokenizer used for stop strings, streaming and the result text; may be null (ids only) */
    public TextGenerator(LlavaForConditionalGeneration model, LlamaTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.eosId = tokenizer == null ? 2 : tokenizer.eosId();
    }

    /**
     * @param promptIds per prompt, token ids with image tokens (the model's image token id) where images go
     * @param features  image features [numImages, P, H] consumed in prompt order, or null
     */
    public List<GenerationResult> generate(long[][] promptIds, Tensor features, GenerationOptions options,
                                           TokenListener listener) {
        LlamaForCausalLM lm = model.languageModel();
        int b = promptIds.length;
        long start = System.nanoTime();
        try (GradMode.Guard ng = GradMode.noGrad(); TensorScope scope = TensorScope.open()) {
            MergedBatch prompt = MergedBatch.build(lm, promptIds, null, features, model.config().imageTokenIndex(),
                    model.config().ignoreIndex(), MergedBatch.Padding.LEFT);
            int t = prompt.embeddings().size(1);
            int capacity = t + options.maxNewTokens();
            var tc = lm.config();
            KvCache cache = new KvCache(lm.numLayers(), b, tc.numKvHeads(), Math.max(capacity, 1), tc.headDim(),
                    prompt.embeddings().device());
            boolean[][] valid = new boolean[b][capacity];
            boolean padded = false;
            float[] maskValues = prompt.attentionMask().toFloatArray();
            for (int s = 0; s < b; s++) {
                for (int k = 0; k < t; k++) {
                    valid[s][k] = maskValues[s * t + k] > 0.5f;
                    padded |= !valid[s][k];
                }
            }
            float[][] next = lastLogits(lm, lm.hidden(prompt.embeddings(), prompt.positions(), prompt.additiveMask(), cache));
            long prefill = System.nanoTime() - start;
            List<Sequence> seqs = new ArrayList<>();
            for (int s = 0; s < b; s++) {
                // ids the tokenizer cannot decode (llava-hf's padding rows 32002..32063) are never chosen
                int vocabLimit = tokenizer == null ? 0 : tokenizer.vocabSize();
                seqs.add(new Sequence(s, new Sampler(options, vocabLimit), tokenizer == null ? null : tokenizer.newStreamingDecoder()));
            }
            for (int step = 0; step < options.maxNewTokens(); step++) {
                long[] feed = new long[b];
                boolean anyActive = false;
                for (Sequence q : seqs) {
                    if (q.done == null) {
                        int id = q.sampler.next(next[q.index], q.ids);
                        q.accept(id, options, listener);
                    }
                    feed[q.index] = q.ids.isEmpty() ? eosId : q.ids.getLast();
                    anyActive |= q.done == null;
                }
                if (!anyActive || step == options.maxNewTokens() - 1) {
                    break;
                }
                int pos = cache.length();
                try (TensorScope stepScope = TensorScope.open()) {
                    Tensor emb = lm.embed(Tensor.ofLongs(feed, b, 1));
                    long[] positions = new long[b];
                    for (int s = 0; s < b; s++) {
                        positions[s] = prompt.lengths()[s] + step;
                        valid[s][pos] = true;
                    }
                    Tensor mask = padded ? stepMask(valid, pos + 1) : null;
                    next = lastLogits(lm, lm.hidden(emb, Tensor.ofLongs(positions, b, 1), mask, cache));
                }
            }
            long decode = System.nanoTime() - start - prefill;
            List<GenerationResult> out = new ArrayList<>();
            for (Sequence q : seqs) {
                out.add(q.result(options, prompt.lengths()[q.index], prefill, decode));
            }
            return out;
        }
    }

    private static float[][] lastLogits(LlamaForCausalLM lm, Tensor hidden) {
        int b = hidden.size(0);
        int t = hidden.size(1);
        Tensor logits = lm.logits(hidden.narrow(1, t - 1, 1));
        int v = logits.size(-1);
        float[] flat = logits.to(DType.F32).toFloatArray();
        float[][] rows = new float[b][v];
        for (int s = 0; s < b; s++) {
            System.arraycopy(flat, s * v, rows[s], 0, v);
        }
        return rows;
    }

    /** Additive mask [B, 1, 1, len]: 0 where a key is a real token, -inf on left padding. */
    private static Tensor stepMask(boolean[][] valid, int len) {
        int b = valid.length;
        double[] m = new double[b * len];
        for (int s = 0; s < b; s++) {
            for (int k = 0; k < len; k++) {
                m[s * len + k] = valid[s][k] ? 1 : 0;
            }
        }
        Tensor keep = Tensor.of(m, DType.F32, b, 1, 1, len).gt(0.5);
        return Elementwise.where(keep, Tensor.scalar(0), Tensor.scalar(Double.NEGATIVE_INFINITY));
    }

    /** Decoding state of one prompt. */
    private final class Sequence {
        final int index;
        final Sampler sampler;
        final StreamingDecoder stream;
        final List<Integer> ids = new ArrayList<>();
        String done;

        Sequence(int index, Sampler sampler, StreamingDecoder stream) {
            this.index = index;
            this.sampler = sampler;
            this.stream = stream;
        }

        void accept(int id, GenerationOptions options, TokenListener listener) {
            if (options.stopAtEos() && id == eosId) {
                done = "eos";
                return;
            }
            ids.add(id);
            String delta = stream == null ? "" : stream.accept(id);
            listener.onToken(index, id, delta);
            if (!options.stopStrings().isEmpty() && tokenizer != null) {
                String text = tokenizer.decode(idArray(), true);
                for (String stop : options.stopStrings()) {
                    if (!stop.isEmpty() && text.contains(stop)) {
                        done = "stop_string";
                        return;
                    }
                }
            }
            if (ids.size() >= options.maxNewTokens()) {
                done = "max_new_tokens";
            }
        }

        int[] idArray() {
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }

        GenerationResult result(GenerationOptions options, int promptPositions, long prefill, long decode) {
            String text = tokenizer == null ? "" : tokenizer.decode(idArray(), true);
            for (String stop : options.stopStrings()) {
                int at = stop.isEmpty() ? -1 : text.indexOf(stop);
                if (at >= 0) {
                    text = text.substring(0, at);
                }
            }
            return new GenerationResult(idArray(), text.strip(), done == null ? "max_new_tokens" : done,
                    promptPositions, prefill, decode);
        }
    }
}
