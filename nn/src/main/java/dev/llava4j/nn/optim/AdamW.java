package dev.llava4j.nn.optim;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.AdamW} (amsgrad off): decoupled weight decay {@code p -= lr*wd*p}, moments
 * {@code m = b1*m + (1-b1)*g}, {@code v = b2*v + (1-b2)*g²}, then
 * {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)} with eps outside the square root. Runs the backend's
 * fused {@code adamw} kernel. State buffers are PyTorch's {@code exp_avg} and {@code exp_avg_sq}, always F32.
 */
public final class AdamW extends OptimizerBase {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";

    private final double beta1;
    private final double beta2;
    private final double eps;

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8; lr and weight decay come from each group. */
    public AdamW(List<ParamGroup> groups) {
        this(groups, 0.9, 0.999, 1e-8);
    }

    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("AdamW eps must be finite and >= 0, got " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    String kind() {
        return "AdamW";
    }

    @Override
    List<String> bufferNames() {
        return List.of(EXP_AVG, EXP_AVG_SQ);
    }

    @Override
    Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("beta1", beta1);
        h.put("beta2", beta2);
        h.put("eps", eps);
        return h;
    }

    @Override
    void update(ParamState st, Tensor weight, Tensor grad, ParamGroup group) {
        // moments live with the weight they update (device memory when training on a GPU)
        Tensor m = buffer(st, EXP_AVG, () -> Tensor.zeros(weight.device(), DType.F32, weight.shape()));
        Tensor v = buffer(st, EXP_AVG_SQ, () -> Tensor.zeros(weight.device(), DType.F32, weight.shape()));
        weight.backend().adamw(weight, grad, m, v, group.lr(), beta1, beta2, eps, group.weightDecay(), st.step);
    }
}
