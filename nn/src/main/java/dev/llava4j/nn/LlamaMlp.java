package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;

/** LLaMA's gated MLP: down_proj(act(gate_proj(x)) * up_proj(x)), no biases. */
public final class LlamaMlp extends Module {
    private Linear gate;
    private Linear up;
    private Linear down;
    private final Activation act;

    public LlamaMlp(int dim, int hidden, Activation act, Init init) {
        this.gate = child("gate_proj", new Linear(dim, hidden, false, init));
        this.up = child("up_proj", new Linear(dim, hidden, false, init));
        this.down = child("down_proj", new Linear(hidden, dim, false, init));
        this.act = act;
    }

    public Tensor forward(Tensor x) {
        Tensor[] gateUp = Linear.forwardShared(x, gate, up);
        return down.forward(act.apply(gateUp[0]).mul(gateUp[1]));
    }

    @Override
    protected void onChildReplaced(String name, Module m) {
        switch (name) {
            case "gate_proj" -> gate = (Linear) m;
            case "up_proj" -> up = (Linear) m;
            default -> down = (Linear) m;
        }
    }
}
