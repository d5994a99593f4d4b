package dev.llava4j.tensor.safetensors;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bridges safetensors files and {@link Tensor}s: zero-copy views, owned copies, and writing. */
public final class TensorFiles {
    private TensorFiles() {
    }

    static int[] intShape(TensorEntry e) {
        long[] s = e.shape();
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (s[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(e.file() + ": tensor '" + e.name() + "' dimension " + s[i] + " too large");
            }
            out[i] = (int) s[i];
        }
        return out;
    }

    /** A zero-copy tensor over the mapped bytes; valid while the checkpoint stays open. */
    public static Tensor view(SafetensorsCheckpoint ckpt, String name) {
        TensorEntry e = ckpt.entry(name);
        if (e == null) {
            throw new IllegalArgumentException(ckpt.path() + ": no tensor named '" + name + "'");
        }
        return Tensor.wrap(ckpt.data(name), e.dtype(), intShape(e));
    }

    /** Reads every tensor of a file or checkpoint folder into owned (off-heap) tensors, in file order. */
    public static Map<String, Tensor> readAll(Path path) throws SafetensorsException {
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(path)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (TensorEntry e : ckpt.entries()) {
                out.put(e.name(), view(ckpt, e.name()).copy());
            }
            return out;
        }
    }

    /** Writes tensors (any layout and device; copied to contiguous host form) atomically to one safetensors file. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws SafetensorsException {
        try (TensorScope scope = TensorScope.open()) {
            List<WriteEntry> entries = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue().toHost().contiguous(); // device tensors are written from a host copy
                long bytes = (long) t.numel() * t.dtype().byteSize();
                long start = (long) t.offset() * t.dtype().byteSize();
                int[] s = t.shape();
                long[] shape = new long[s.length];
                for (int i = 0; i < s.length; i++) {
                    shape[i] = s[i];
                }
                entries.add(new WriteEntry(e.getKey(), t.dtype(), shape, t.segment().asSlice(start, bytes)));
            }
            SafetensorsWriter.write(file, metadata == null ? Map.of() : metadata, entries);
        }
    }

    /** The dtype of a stored tensor, or null. */
    public static DType dtypeOf(SafetensorsCheckpoint ckpt, String name) {
        TensorEntry e = ckpt.entry(name);
        return e == null ? null : e.dtype();
    }
}
