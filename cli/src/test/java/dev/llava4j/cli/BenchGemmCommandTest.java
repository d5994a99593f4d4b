package dev.llava4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI contract of {@code bench gemm --json}: one JSON line with the fields (sizes kept tiny). */
class BenchGemmCommandTest {

    private static JsonNode benchGemm(String... args) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            String[] all = Stream.concat(Stream.of("gemm", "--json", "--reps", "3", "--threads", "1"), Stream.of(args))
                    .toArray(String[]::new);
            exit = new CommandLine(new BenchCommand()).execute(all);
        } finally {
            System.setOut(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(0, exit, out);
        assertFalse(out.contains("\n"), "one line: " + out);
        return new ObjectMapper().readTree(out);
    }

    @Test
    void productReportsTheContractFields() throws Exception {
        JsonNode line = benchGemm("--m", "96", "--n", "128", "--k", "80");
        for (String key : List.of("op", "m", "n", "k", "dtype", "threads", "gflops", "ms")) {
            assertTrue(line.has(key), key + " missing in " + line);
        }
        assertEquals("gemm", line.get("op").asText());
        assertEquals(96, line.get("m").asInt());
        assertEquals(128, line.get("n").asInt());
        assertEquals(80, line.get("k").asInt());
        assertEquals("f32", line.get("dtype").asText());
        assertEquals(1, line.get("threads").asInt());
        double ms = line.get("ms").asDouble();
        assertTrue(ms > 0, line.toString());
        // gflops and ms describe the same median sample (ms is rounded to 0.1 µs, about 0.5 % of a sample here)
        double gflops = line.get("gflops").asDouble();
        assertEquals(2.0 * 96 * 128 * 80 / (ms * 1e6), gflops, 0.02 * gflops + 0.01);
        assertFalse(line.has("read_gb_per_s"), "the read yardstick is for GEMVs only: " + line);
        assertFalse(line.has("memory_read_gb_per_s"), line.toString());
    }

    @Test
    void gemvIsComparedWithAStreamingReadOfItsWeights() throws Exception {
        JsonNode line = benchGemm("--m", "1", "--n", "2000", "--k", "1000", "--dtype", "bf16", "--memory-mb", "10");
        assertEquals("bf16", line.get("dtype").asText());
        double weightRate = line.get("weight_gb_per_s").asDouble();
        // the weight rate is the 4 MB of BF16 weights over the median sample (rates rounded to 0.01 GB/s)
        assertEquals(2000 * 1000 * 2 / (line.get("ms").asDouble() * 1e6), weightRate, 0.02 * weightRate + 0.01);
        assertTrue(line.get("read_gb_per_s").asDouble() > 0, line.toString());
        assertTrue(line.get("fraction_of_read").asDouble() > 0, line.toString());
        // the memory_* pairing runs over ceil(10 MB / 4 MB) = 3 copies of W
        assertEquals(11, line.get("memory_working_set_mb").asInt(), line.toString());
        assertTrue(line.get("memory_weight_gb_per_s").asDouble() > 0, line.toString());
        assertTrue(line.get("memory_read_gb_per_s").asDouble() > 0, line.toString());
        assertTrue(line.get("memory_fraction_of_read").asDouble() > 0, line.toString());
    }

    @Test
    void memoryRatesCanBeSkipped() throws Exception {
        JsonNode line = benchGemm("--m", "1", "--n", "64", "--k", "64", "--memory-mb", "0");
        assertTrue(line.has("fraction_of_read"), line.toString());
        assertFalse(line.has("memory_fraction_of_read"), line.toString());
    }
}
