package dev.llava4j.nn;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Preallocated keys and values (after RoPE) of every decoder layer: [batch, kv_heads, capacity, head_dim] each,
 * written in place as tokens arrive; attention reads the filled prefix as a view (no copies per step).
 */
public final class KvCache {
    private final List<Layer> layers = new ArrayList<>();
    private final int capacity;
    private int length;

    public KvCache(int layerCount, int batch, int kvHeads, int capacity, int headDim) {
        this(layerCount, batch, kvHeads, capacity, headDim, Device.CPU);
    }

    /** Buffers on {@code device}, which must be the device of the model's weights. */
    public KvCache(int layerCount, int batch, int kvHeads, int capacity, int headDim, Device device) {
        this.capacity = capacity;
        for (int i = 0; i < layerCount; i++) {
            layers.add(new Layer(Tensor.zeros(device, DType.F32, batch, kvHeads, capacity, headDim),
                    Tensor.zeros(device, DType.F32, batch, kvHeads, capacity, headDim)));
        }
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    /** Tokens already stored (the position of the next token). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Marks {@code n} more positions as filled; call once per forward step after every layer appended. */
    public void advance(int n) {
        length += n;
    }

    /** Frees the buffers. */
    public void release() {
        for (Layer l : layers) {
            l.keys.release();
            l.values.release();
        }
    }

    /** One layer's buffers. */
    public final class Layer {
        private final Tensor keys;
        private final Tensor values;

        Layer(Tensor keys, Tensor values) {
            this.keys = keys;
            this.values = values;
        }

        /** Stores k, v [B, kvHeads, T, D] after the current length; returns the filled keys and values. */
        public Tensor[] append(Tensor k, Tensor v) {
            int t = k.size(2);
            if (length + t > capacity) {
                throw new IllegalStateException("KV cache full: " + length + " + " + t + " tokens > capacity " + capacity);
            }
            try (GradMode.Guard g = GradMode.noGrad()) {
                keys.narrow(2, length, t).copyFrom(k);
                values.narrow(2, length, t).copyFrom(v);
                return new Tensor[]{keys.narrow(2, 0, length + t), values.narrow(2, 0, length + t)};
            }
        }
    }
}
