package dev.llava4j.nn.testutil;

import dev.llava4j.nn.Activation;
import dev.llava4j.nn.Embedding;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.LlamaAttention;
import dev.llava4j.nn.LlamaMlp;
import dev.llava4j.nn.Module;
import dev.llava4j.nn.ModuleList;
import dev.llava4j.nn.RMSNorm;
import dev.llava4j.nn.checkpoint.Checkpoint;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/** A tiny LLaMA-style decoder (HF key names) for training tests: embed_tokens, layers.N.{...}, norm, lm_head. */
public final class ToyDecoder extends Module {
    private final Embedding embed;
    private final ModuleList<Block> layers = new ModuleList<>();
    private final RMSNorm norm;
    private final Linear lmHead;
    private final int headDim;
    private boolean checkpointing;

    public ToyDecoder(int vocab, int hidden, int heads, int layerCount, int mlpHidden, Generator gen) {
        Init init = Init.pytorchDefault(gen);
        this.embed = child("embed_tokens", new Embedding(vocab, hidden, init));
        child("layers", layers);
        for (int i = 0; i < layerCount; i++) {
            layers.add(new Block(hidden, heads, mlpHidden, init));
        }
        this.norm = child("norm", new RMSNorm(hidden, 1e-6, init));
        this.lmHead = child("lm_head", new Linear(hidden, vocab, false, init));
        this.headDim = hidden / heads;
    }

    /** Runs each decoder layer through {@link Checkpoint} when on. */
    public void setCheckpointing(boolean on) {
        this.checkpointing = on;
    }

    public Block layer(int i) {
        return layers.get(i);
    }

    /** ids [B, T] (I64) -> logits [B, T, vocab]. */
    public Tensor forward(Tensor ids) {
        Tensor[] cs = rotary(ids.size(0), ids.size(1), headDim);
        Tensor h = embed.forward(ids);
        for (Block b : layers) {
            h = checkpointing ? Checkpoint.apply(b, in -> b.forward(in[0], in[1], in[2]), h, cs[0], cs[1])
                    : b.forward(h, cs[0], cs[1]);
        }
        return lmHead.forward(norm.forward(h));
    }

    /** cos/sin tables [B, T, headDim] for positions 0..T-1. */
    public static Tensor[] rotary(int b, int t, int headDim) {
        long[] pos = new long[b * t];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = i % t;
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            return Functional.rotaryCosSin(Tensor.ofLongs(pos, b, t), headDim, 10000.0);
        }
    }

    /** One pre-norm decoder layer: x + attn(norm(x)), then + mlp(norm(.)). */
    public static final class Block extends Module {
        private final RMSNorm inputNorm;
        private final LlamaAttention attn;
        private final RMSNorm postNorm;
        private final LlamaMlp mlp;

        Block(int hidden, int heads, int mlpHidden, Init init) {
            this.inputNorm = child("input_layernorm", new RMSNorm(hidden, 1e-6, init));
            this.attn = child("self_attn", new LlamaAttention(hidden, heads, heads, false, init));
            this.postNorm = child("post_attention_layernorm", new RMSNorm(hidden, 1e-6, init));
            this.mlp = child("mlp", new LlamaMlp(hidden, mlpHidden, Activation.SILU, init));
        }

        public Tensor forward(Tensor x, Tensor cos, Tensor sin) {
            Tensor h = x.add(attn.forward(inputNorm.forward(x), cos, sin, null, null));
            return h.add(mlp.forward(postNorm.forward(h)));
        }
    }
}
