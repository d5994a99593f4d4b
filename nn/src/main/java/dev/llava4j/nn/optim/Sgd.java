package dev.llava4j.nn.optim;

import dev.llava4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.SGD}: {@code d = g + wd*p}; with momentum {@code buf = d} on the first step, then
 * {@code buf = momentum*buf + (1-dampening)*d}; {@code d = nesterov ? d + momentum*buf : buf}; {@code p -= lr*d}.
 * Weight decay here is L2 (added to the gradient), as in PyTorch's SGD. The buffer is PyTorch's
 * {@code momentum_buffer}.
 */
public final class Sgd extends OptimizerBase {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    public Sgd(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException("SGD momentum must be finite and >= 0, got " + momentum);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening (momentum "
                    + momentum + ", dampening " + dampening + ")");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    /** Plain SGD without momentum. */
    public Sgd(List<ParamGroup> groups) {
        this(groups, 0, 0, false);
    }

    @Override
    String kind() {
        return "SGD";
    }

    @Override
    List<String> bufferNames() {
        return momentum == 0 ? List.of() : List.of(MOMENTUM_BUFFER);
    }

    @Override
    Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("momentum", momentum);
        h.put("dampening", dampening);
        h.put("nesterov", nesterov);
        return h;
    }

    @Override
    void update(ParamState st, Tensor weight, Tensor grad, ParamGroup group) {
        // runs inside the step's TensorScope, so every temporary below is freed when the step ends
        Tensor d = group.weightDecay() == 0 ? grad : grad.add(weight.mul(group.weightDecay()));
        if (momentum != 0) {
            Tensor buf = st.buffers.get(MOMENTUM_BUFFER);
            if (buf == null) {
                Tensor first = d;
                buf = buffer(st, MOMENTUM_BUFFER, first::copy);
            } else {
                buf.copyFrom(buf.mul(momentum).add(d.mul(1 - dampening)));
            }
            d = nesterov ? d.add(buf.mul(momentum)) : buf;
        }
        weight.copyFrom(weight.sub(d.mul(group.lr())));
    }
}
