package dev.llava4j.llava.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    @TempDir
    Path dir;

    @Test
    void writesOneExactLinePerStep() throws IOException {
        Path file = dir.resolve("run/metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file, 0)) {
            log.log(1, 2.5, 2.0e-5, 0.53, 1234.5);
            log.log(2, Double.NaN, 1.0e-3, Double.POSITIVE_INFINITY, 0);
        }
        assertEquals(List.of(
                "{\"step\":1,\"loss\":2.5,\"lr\":2.0E-5,\"grad_norm\":0.53,\"tokens_per_s\":1234.5}",
                "{\"step\":2,\"loss\":null,\"lr\":0.001,\"grad_norm\":null,\"tokens_per_s\":0.0}"),
                Files.readAllLines(file, StandardCharsets.UTF_8));
        List<MetricsRow> rows = MetricsLog.read(file);
        assertEquals(new MetricsRow(1, 2.5, 2.0e-5, 0.53, 1234.5), rows.get(0));
        assertTrue(Double.isNaN(rows.get(1).loss()));
    }

    @Test
    void resumeKeepsStepsUpToTheCheckpointAndAppends() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file, 0)) {
            for (int step = 1; step <= 5; step++) {
                log.log(step, 3.0 - step * 0.1, 1e-3, 1.0, 100);
            }
        }
        try (MetricsLog log = MetricsLog.open(file, 3)) {
            log.log(4, 9.0, 1e-3, 1.0, 100);
        }
        List<MetricsRow> rows = MetricsLog.read(file);
        assertEquals(List.of(1L, 2L, 3L, 4L), rows.stream().map(MetricsRow::step).toList());
        assertEquals(9.0, rows.get(3).loss());
        assertEquals(2.8, rows.get(1).loss(), 1e-12);
    }

    @Test
    void aFreshRunStartsEmptyAndACutOffLastLineIsDropped() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"loss\":1.0,\"lr\":0.1,\"grad_norm\":1.0,\"tokens_per_s\":1.0}\n"
                + "{\"step\":2,\"loss\":0.9,\"lr\":0.1,\"grad_norm\":1", StandardCharsets.UTF_8);
        assertEquals(1, MetricsLog.read(file).size());
        try (MetricsLog log = MetricsLog.open(file, 1)) {
            log.log(2, 0.8, 0.1, 1.0, 1.0);
        }
        assertEquals(List.of(1L, 2L), MetricsLog.read(file).stream().map(MetricsRow::step).toList());
        MetricsLog.open(file, 0).close();
        assertEquals(0, Files.size(file));
    }

    @Test
    void aBrokenLineInTheMiddleIsAnError() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "garbage\n{\"step\":2}\n", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> MetricsLog.open(file, 5));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }
}
