package dev.llava4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CI smoke test of {@code ./llava4j demo --quick}: the whole pipeline (world, tokenizer, both stand-ins,
 * stage 1, stage 2 with the real trainer, held-out evaluation, report) end to end, about two minutes. It checks the
 * outputs, the response-format finding (short replies with the format prompt, full sentences without it) and a
 * colour/shape accuracy above chance on held-out images.
 */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void quickDemoLearnsAndWritesItsReport() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new DemoCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        Path demo = dir.resolve("demo-out");
        assertEquals(0, cmd.execute("--quick", "--out", demo.toString()), err.toString());

        JsonNode results = new ObjectMapper().readTree(demo.resolve("results.json").toFile());
        for (String field : List.of("short_answer_accuracy", "full_sentence_rate_without_prompt", "pope_f1")) {
            assertTrue(results.path(field).isNumber(), field + " missing: " + results);
            double v = results.get(field).asDouble();
            assertTrue(v >= 0 && v <= 1, field + " = " + v);
        }
        assertTrue(results.path("seconds").isNumber() && results.get("seconds").asDouble() > 0);
        // Grounding bound: colour/shape answers must come from the image. Chance is about 0.22 (1 of 5 colours,
        // 1 of 4 shapes); the quick run reaches 0.589 with its fixed seed (the full demo 0.925).
        assertTrue(results.path("color_shape_accuracy").asDouble() >= 0.3, results.toString());
        // the stage-1 diagnostic: the frozen language model read from the true cell tokens and from the image
        JsonNode reading = results.path("stage1_reading");
        for (String field : List.of("color_shape_from_projected_image", "color_shape_from_true_cells")) {
            double v = reading.path(field).asDouble(-1);
            assertTrue(v >= 0 && v <= 1, "stage1_reading." + field + " = " + reading);
        }
        assertTrue(reading.path("true_cells_by_kind").path("color").isNumber(), reading.toString());
        assertTrue(reading.path("projected_image_by_kind").path("shape").isNumber(), reading.toString());
        // the response-format finding: the prompt gives short replies, its absence full sentences
        assertTrue(results.path("short_format_rate_with_prompt").asDouble() >= 0.9, results.toString());
        assertTrue(results.get("full_sentence_rate_without_prompt").asDouble() >= 0.9, results.toString());

        for (String f : List.of("report.md", "plots/accuracy.png", "plots/stage1_loss.png", "plots/stage2_loss.png",
                "plots/vision_stand_in_loss.png", "plots/language_stand_in_loss.png", "answers-mlp2x_gelu.jsonl",
                "runs/mlp2x_gelu/stage2/model.safetensors", "runs/mlp2x_gelu/stage2/config.json")) {
            assertTrue(Files.isRegularFile(demo.resolve(f)), f);
        }
        String table = out.toString();
        assertTrue(table.contains("short-answer accuracy (with the format prompt)"), table);
        assertTrue(table.contains("POPE F1"), table);
    }

    @Test
    void unknownAblationIsRejected() {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new DemoCommand());
        cmd.setErr(new PrintWriter(err));
        assertEquals(2, cmd.execute("--ablation", "tower", "--out", dir.toString()));
        assertTrue(err.toString().contains("projector"), err.toString());
    }
}
