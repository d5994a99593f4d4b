package dev.llava4j.llava.model;

import dev.llava4j.nn.Activation;
import dev.llava4j.nn.Embedding;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.KvCache;
import dev.llava4j.nn.LlamaAttention;
import dev.llava4j.nn.LlamaMlp;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.Module;
import dev.llava4j.nn.ModuleList;
import dev.llava4j.nn.RMSNorm;
import dev.llava4j.nn.checkpoint.Checkpoint;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.ops.Functional;
import dev.llava4j.tensor.ops.Linalg;

/** The LLaMA decoder ({@code model.*}) and its head ({@code lm_head}), Hugging Face names. */
public final class LlamaForCausalLM extends Module {
    private final TextConfig config;
    private final Decoder model;
    private final Linear lmHead;
    private boolean gradientCheckpointing;

    public LlamaForCausalLM(TextConfig c, Init init) {
        this.config = c;
        this.model = child("model", new Decoder(c, init));
        this.lmHead = c.tieWordEmbeddings() ? null : child("lm_head", new Linear(c.hiddenSize(), c.vocabSize(), false, init));
    }

    public TextConfig config() {
        return config;
    }

    /** Recompute each decoder layer's activations during backward instead of keeping them (training only). */
    public void setGradientCheckpointing(boolean on) {
        this.gradientCheckpointing = on;
    }

    /** Embeddings of token ids; host ids (built from token lists) are moved to the weights' device first. */
    public Tensor embed(Tensor ids) {
        return model.embedTokens.forward(ids.to(model.embedTokens.weight().value().device()));
    }

    /**
     * Runs the decoder on input embeddings [B, T, H] at positions [B, T] (I64); mask null or additive [B, 1, 1|T, Tk];
     * cache null or a KV cache whose length is the position of the first input. Returns the final-normed hidden states.
     */
    public Tensor hidden(Tensor inputsEmbeds, Tensor positions, Tensor mask, KvCache cache) {
        // positions and masks are built on the host from token lists; the kernels want them beside the embeddings
        Device device = inputsEmbeds.device();
        Tensor[] table = Functional.rotaryCosSin(positions, config.headDim(), config.ropeTheta());
        Tensor[] cs = {table[0].to(device), table[1].to(device)};
        Tensor m = mask == null ? null : mask.to(device);
        Tensor h = inputsEmbeds;
        for (int i = 0; i < model.layers.size(); i++) {
            DecoderLayer layer = model.layers.get(i);
            if (gradientCheckpointing && cache == null && GradMode.isEnabled()) {
                h = Checkpoint.apply(layer, x -> layer.forward(x[0], cs[0], cs[1], m, null), h);
            } else if (!GradMode.isEnabled()) {
                // inference: a layer's intermediates are freed as soon as its output exists
                try (TensorScope scope = TensorScope.open()) {
                    h = scope.keep(layer.forward(h, cs[0], cs[1], m, cache == null ? null : cache.layer(i)));
                }
            } else {
                h = layer.forward(h, cs[0], cs[1], m, cache == null ? null : cache.layer(i));
            }
        }
        if (cache != null) {
            cache.advance(inputsEmbeds.size(1));
        }
        return model.norm.forward(h);
    }

    /** Logits [.., V] of hidden states. */
    public Tensor logits(Tensor hidden) {
        if (lmHead != null) {
            return lmHead.forward(hidden);
        }
        return Linalg.linear(hidden, model.embedTokens.weight().value(), null);
    }

    public int numLayers() {
        return model.layers.size();
    }

    static final class Decoder extends Module {
        final Embedding embedTokens;
        final ModuleList<DecoderLayer> layers;
        final RMSNorm norm;

        Decoder(TextConfig c, Init init) {
            this.embedTokens = child("embed_tokens", new Embedding(c.vocabSize(), c.hiddenSize(), init));
            this.layers = child("layers", new ModuleList<>());
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(new DecoderLayer(c, init));
            }
            this.norm = child("norm", new RMSNorm(c.hiddenSize(), c.rmsNormEps(), init));
        }
    }

    /** h + attn(rmsnorm(h)), then h + mlp(rmsnorm(h)). */
    public static final class DecoderLayer extends Module {
        private final LlamaAttention attention;
        private final LlamaMlp mlp;
        private final RMSNorm inputNorm;
        private final RMSNorm postNorm;

        DecoderLayer(TextConfig c, Init init) {
            this.attention = child("self_attn", new LlamaAttention(c.hiddenSize(), c.numHeads(), c.numKvHeads(), c.attentionBias(), init));
            this.mlp = child("mlp", new LlamaMlp(c.hiddenSize(), c.intermediateSize(), Activation.fromConfig(c.hiddenAct()), init));
            this.inputNorm = child("input_layernorm", new RMSNorm(c.hiddenSize(), c.rmsNormEps(), init));
            this.postNorm = child("post_attention_layernorm", new RMSNorm(c.hiddenSize(), c.rmsNormEps(), init));
        }

        public Tensor forward(Tensor h, Tensor cos, Tensor sin, Tensor mask, KvCache.Layer cache) {
            h = h.add(attention.forward(inputNorm.forward(h), cos, sin, mask, cache));
            return h.add(mlp.forward(postNorm.forward(h)));
        }
    }
}
