package dev.llava4j.nn;

import dev.llava4j.tensor.Tensor;

/** Two Linear layers with an activation between them (CLIP's fc1/fc2 MLP). */
public final class Mlp extends Module {
    private Linear fc1;
    private Linear fc2;
    private final Activation act;

    public Mlp(int dim, int hidden, Activation act, Init init) {
        this.fc1 = child("fc1", new Linear(dim, hidden, true, init));
        this.fc2 = child("fc2", new Linear(hidden, dim, true, init));
        this.act = act;
    }

    public Tensor forward(Tensor x) {
        return fc2.forward(act.apply(fc1.forward(x)));
    }

    @Override
    protected void onChildReplaced(String name, Module m) {
        if (name.equals("fc1")) {
            fc1 = (Linear) m;
        } else {
            fc2 = (Linear) m;
        }
    }
}
