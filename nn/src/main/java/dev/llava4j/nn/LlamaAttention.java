package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/**
 * LLaMA self-attention: q/k/v/o projections (bias optional, off for LLaMA), rotary embeddings on q and k,
 * grouped KV heads, causal attention, optional additive padding mask and KV cache.
 */
public final class LlamaAttention extends Module {
    private Linear q;
    private Linear k;
    private Linear v;
    private Linear o;
    private final int heads;
    private final int kvHeads;
    private final int headDim;

    public LlamaAttention(int hidden, int heads, int kvHeads, boolean bias, Init init) {
        if (hidden % heads != 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + ", heads " + heads + ", kv heads " + kvHeads
                    + ": hidden must divide by heads and heads by kv heads");
        }
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = hidden / heads;
        this.q = child("q_proj", new Linear(hidden, heads * headDim, bias, init));
        this.k = child("k_proj", new Linear(hidden, kvHeads * headDim, bias, init));
        this.v = child("v_proj", new Linear(hidden, kvHeads * headDim, bias, init));
        this.o = child("o_proj", new Linear(heads * headDim, hidden, bias, init));
    }

    /**
     * x [B, T, hidden]; cos/sin [B, T, headDim] for the positions of x; mask null or additive [B, 1, T or 1, Tk];
     * cache null, or the layer's cache (keys/values of earlier positions are reused and x's are appended).
     */
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KvCache.Layer cache) {
        int b = x.size(0);
        int t = x.size(1);
        Tensor[] qkv = Linear.forwardShared(x, q, k, v);
        Tensor qs = qkv[0].reshape(b, t, heads, headDim).transpose(1, 2);
        Tensor ks = qkv[1].reshape(b, t, kvHeads, headDim).transpose(1, 2);
        Tensor vs = qkv[2].reshape(b, t, kvHeads, headDim).transpose(1, 2);
        qs = Functional.rope(qs, cos, sin);
        ks = Functional.rope(ks, cos, sin);
        if (cache != null) {
            Tensor[] kv = cache.append(ks, vs);
            ks = kv[0];
            vs = kv[1];
        }
        Tensor attn = Functional.scaledDotProductAttention(qs, ks, vs, mask, true, 1.0 / Math.sqrt(headDim));
        return o.forward(attn.transpose(1, 2).reshape(b, t, heads * headDim));
    }

    public int headDim() {
        return headDim;
    }

    @Override
    protected void onChildReplaced(String name, Module m) {
        switch (name) {
            case "q_proj" -> q = (Linear) m;
            case "k_proj" -> k = (Linear) m;
            case "v_proj" -> v = (Linear) m;
            default -> o = (Linear) m;
        }
    }
}
