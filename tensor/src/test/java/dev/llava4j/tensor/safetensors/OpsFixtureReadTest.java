package dev.llava4j.tensor.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.tensor.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the PyTorch-written golden file fixtures/ops/ops.safetensors and checks it against ops.json. */
class OpsFixtureReadTest {

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static SafetensorsFile ops;
    private static JsonNode opsJson;

    static Path fixture(String name) throws URISyntaxException {
        var url = OpsFixtureReadTest.class.getResource("/fixtures/ops/" + name);
        assertNotNull(url, "missing test resource fixtures/ops/" + name);
        return Path.of(url.toURI());
    }

    @BeforeAll
    static void open() throws IOException, URISyntaxException {
        ops = SafetensorsFile.open(fixture("ops.safetensors"));
        opsJson = new ObjectMapper().readTree(fixture("ops.json").toFile());
    }

    @AfterAll
    static void close() {
        ops.close();
    }

    @Test
    void everyTensorOfOpsJsonHasItsDtypeAndShape() {
        JsonNode tensors = opsJson.get("tensors");
        assertEquals(147, tensors.size());
        assertEquals(tensors.size(), ops.entries().size());
        for (Map.Entry<String, JsonNode> t : tensors.properties()) {
            TensorEntry e = ops.entry(t.getKey());
            assertNotNull(e, t.getKey());
            DType expected = switch (t.getValue().get("dtype").textValue()) {
                case "float32" -> DType.F32;
                case "int64" -> DType.I64;
                default -> throw new AssertionError("unexpected dtype in ops.json: " + t.getValue());
            };
            assertEquals(expected, e.dtype(), t.getKey());
            long[] shape = new long[t.getValue().get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.getValue().get("shape").get(i).longValue();
            }
            assertArrayEquals(shape, e.shape(), t.getKey());
        }
        assertEquals(Map.of("format", "pt", "seed", "7"), ops.metadata());
        assertEquals(0, ops.unusedDataBytes());
    }

    @Test
    void integerTensorsHaveTheDocumentedValues() {
        // README: positions of batch row 1 start at 7
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 7, 8, 9, 10, 11}, longs("rope.position_ids"));
        // ops.json: ignore_index -100 appears among the cross-entropy targets
        assertEquals(-100, opsJson.get("cases").get("cross_entropy").get("params").get("ignore_index").intValue());
        assertArrayEquals(new long[] {3, -100, 0, 12, 5, -100, 7}, longs("cross_entropy.target"));
    }

    @Test
    void floatTensorsDecodeToConsistentValues() {
        // Rows whose target is ignored get exactly zero gradient.
        long[] target = longs("cross_entropy.target");
        TensorEntry grad = ops.entry("cross_entropy.grad_logits");
        assertArrayEquals(new long[] {7, 13}, grad.shape());
        MemorySegment g = ops.data("cross_entropy.grad_logits");
        for (int row = 0; row < 7; row++) {
            double abs = 0;
            for (int c = 0; c < 13; c++) {
                abs += Math.abs(g.get(F32_LE, 4L * (row * 13 + c)));
            }
            if (target[row] == -100) {
                assertEquals(0.0, abs, "row " + row);
            } else {
                assertTrue(abs > 0.05, "row " + row + " has gradient " + abs);
            }
        }
        // softmax rows sum to 1 (float32 rounding: within 1e-5)
        TensorEntry soft = ops.entry("softmax.plain.out");
        long cols = soft.shape()[soft.rank() - 1];
        MemorySegment s = ops.data("softmax.plain.out");
        for (long row = 0; row < soft.numel() / cols; row++) {
            double sum = 0;
            for (long c = 0; c < cols; c++) {
                sum += s.get(F32_LE, 4 * (row * cols + c));
            }
            assertEquals(1.0, sum, 1e-5, "row " + row);
        }
        // the scalar loss is positive and finite
        assertEquals(0, ops.entry("cross_entropy.out").rank());
        float loss = ops.data("cross_entropy.out").get(F32_LE, 0);
        assertTrue(loss > 0 && Float.isFinite(loss), "loss " + loss);
    }

    private static long[] longs(String name) {
        MemorySegment m = ops.data(name);
        long[] out = new long[(int) (m.byteSize() / 8)];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.get(I64_LE, 8L * i);
        }
        return out;
    }
}
