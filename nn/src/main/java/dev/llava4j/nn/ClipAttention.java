package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.ops.Functional;

/** CLIP-style bidirectional multi-head attention: q/k/v/out projections with biases, no rotary embedding. */
public final class ClipAttention extends Module {
    private Linear q;
    private Linear k;
    private Linear v;
    private Linear out;
    private final int heads;
    private final int headDim;

    public ClipAttention(int hidden, int heads, Init init) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " does not divide by " + heads + " heads");
        }
        this.heads = heads;
        this.headDim = hidden / heads;
        this.q = child("q_proj", new Linear(hidden, hidden, true, init));
        this.k = child("k_proj", new Linear(hidden, hidden, true, init));
        this.v = child("v_proj", new Linear(hidden, hidden, true, init));
        this.out = child("out_proj", new Linear(hidden, hidden, true, init));
    }

    /** x [B, T, hidden] -> [B, T, hidden]. */
    public Tensor forward(Tensor x) {
        int b = x.size(0);
        int t = x.size(1);
        Tensor qs = q.forward(x).reshape(b, t, heads, headDim).transpose(1, 2);
        Tensor ks = k.forward(x).reshape(b, t, heads, headDim).transpose(1, 2);
        Tensor vs = v.forward(x).reshape(b, t, heads, headDim).transpose(1, 2);
        Tensor attn = Functional.scaledDotProductAttention(qs, ks, vs, null, false, 1.0 / Math.sqrt(headDim));
        return out.forward(attn.transpose(1, 2).reshape(b, t, heads * headDim));
    }

    @Override
    protected void onChildReplaced(String name, Module m) {
        switch (name) {
            case "q_proj" -> q = (Linear) m;
            case "k_proj" -> k = (Linear) m;
            case "v_proj" -> v = (Linear) m;
            default -> out = (Linear) m;
        }
    }
}
