package dev.llava4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reverse-mode differentiation over the recorded graph (define-by-run, like PyTorch's engine). */
final class Autograd {
    private Autograd() {
    }

    static void backward(Tensor root, Tensor gradRoot) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward() on a tensor that does not require grad (no input had requiresGrad=true, or it was computed under noGrad)");
        }
        if (!Arrays.equals(root.shape(), gradRoot.shape())) {
            throw new IllegalArgumentException("gradient shape " + Shape.toString(gradRoot.shape())
                    + " does not match the tensor's shape " + Shape.toString(root.shape()));
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, gradRoot);
        // memory already given to a leaf's .grad (or the caller's): a rule may hand one gradient, or views of it, to
        // several inputs, so only the first leaf to receive a storage may keep it without a copy
        Set<Storage> handedOn = Collections.newSetFromMap(new IdentityHashMap<>());
        handedOn.add(gradRoot.storage());
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor grad = grads.remove(t);
                if (grad == null) {
                    continue;
                }
                Node fn = t.gradFn();
                if (fn == null) {
                    t.accumulateGrad(grad, handedOn.add(grad.storage()));
                    continue;
                }
                Tensor[] inputs = fn.inputs();
                Tensor[] inGrads = fn.rule().gradients(grad);
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    if (in == null || !in.requiresGrad() || k >= inGrads.length || inGrads[k] == null) {
                        continue;
                    }
                    Tensor gk = inGrads[k];
                    if (!Arrays.equals(gk.shape(), in.shape())) {
                        throw new IllegalStateException("backward of " + fn.name() + " produced a gradient of shape "
                                + Shape.toString(gk.shape()) + " for an input of shape " + Shape.toString(in.shape()));
                    }
                    grads.merge(in, gk, Tensor::add);
                }
            }
        }
    }

    /** Tensors reachable from root that require grad, each after all the tensors it was computed from. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Node fn = t.gradFn();
            Tensor[] inputs = fn == null ? new Tensor[0] : fn.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.add(in)) {
                    stack.push(new Object[]{in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
