package dev.llava4j.nn.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.safetensors.SafetensorsCheckpoint;
import dev.llava4j.tensor.safetensors.TensorFiles;
import dev.llava4j.tensor.testing.Fixtures;
import dev.llava4j.tensor.testing.TensorAssert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** One golden file of fixtures/optim (written by make_golden.py with PyTorch): its tensors and JSON metadata. */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String file;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private Golden(String file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static Golden load(String name) {
        Path path = Fixtures.path("optim/" + name);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(path)) {
            return new Golden(name, TensorFiles.readAll(path), Map.copyOf(ckpt.metadata()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        assertNotNull(t, file + " has no tensor '" + name + "'");
        return t;
    }

    public double scalar(String name) {
        return get(name).toDoubleArray()[0];
    }

    public JsonNode meta(String key) {
        try {
            return JSON.readTree(metadata.get(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** max |actual - expected| <= relTol * max |expected| (relative to the tensor's scale). */
    public static void assertRelClose(Tensor expected, Tensor actual, double relTol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double diff = TensorAssert.maxAbsDiff(expected, actual);
        double bound = relTol * TensorAssert.maxAbs(expected);
        if (!(diff <= bound)) {
            fail(what + ": max abs diff " + diff + " > " + relTol + " * max|expected| = " + bound);
        }
    }
}
