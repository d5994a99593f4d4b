package dev.llava4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchGenerateCommandTest {
    @TempDir
    Path tmp;

    /** Runs {@code bench generate --json} on model and returns its JSON line (asserting exit code 0). */
    private JsonNode benchGenerate(Path model, String... extra) throws Exception {
        Path image = tmp.resolve("red.png");
        BufferedImage img = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0xff0000);
        ImageIO.write(img, "png", image.toFile());
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            String[] args = {"generate", "--model", model.toString(), "--image", image.toString(), "--json"};
            String[] all = java.util.stream.Stream.concat(Arrays.stream(args), Arrays.stream(extra)).toArray(String[]::new);
            exit = new CommandLine(new BenchCommand()).execute(all);
        } finally {
            System.setOut(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(0, exit, out);
        return new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
    }

    @Test
    void warmsUpThenReportsTheTimedGeneration() throws Exception {
        JsonNode line = benchGenerate(TinyCheckpoint.write(tmp.resolve("tiny")), "--max-new-tokens", "5", "--warmup", "2");
        String out = line.toString();
        assertEquals("generate", line.get("bench").asText());
        assertEquals(2, line.get("warmup").asInt());
        assertEquals(5, line.get("new_tokens").asInt());
        assertTrue(line.get("prefill_tokens").asInt() > 4, out);  // the image expands to 4 patch positions
        assertTrue(line.get("decode_tokens_per_s").asDouble() > 0, out);
        assertTrue(line.get("weight_read_gb_per_s").asDouble() > 0, out);
        // the fraction is the decode weight rate over the read rate (both rounded to 0.001)
        assertEquals(line.get("decode_weight_gb_per_s").asDouble() / line.get("weight_read_gb_per_s").asDouble(),
                line.get("decode_fraction_of_read").asDouble(), 0.002 + 0.01 * line.get("decode_fraction_of_read").asDouble(), out);
        // FilePmdMapped of the process: the tiny checkpoint fills no 2 MB page (the JDK's own files may); -1 without
        // /proc/self/smaps_rollup (not Linux)
        double hugeMapped = line.get("huge_page_mapped_gb").asDouble();
        boolean rollup = java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/smaps_rollup"));
        assertTrue(rollup ? hugeMapped >= 0 && hugeMapped < 1 : hugeMapped == -1, out);
    }

    @Test
    void aRandomCheckpointWithASmallVocabularyGetsATokenizerThatFitsIt() throws Exception {
        // 512 ids, the last the image token: the 32000-piece LLaMA tokenizer is cut to its first 511 pieces
        JsonNode line = benchGenerate(TinyCheckpoint.writeWithVocabulary(tmp.resolve("small"), 512),
                "--max-new-tokens", "3", "--warmup", "0");
        assertEquals(3, line.get("new_tokens").asInt());
    }

    @Test
    void aDecodeStepReadsOneEmbeddingRowUnlessTheHeadIsTied() {
        Map<String, Tensor> untied = new LinkedHashMap<>();
        untied.put("model.embed_tokens.weight", Tensor.zeros(DType.BF16, 100, 8));   // 1600 bytes
        untied.put("model.layers.0.mlp.up_proj.weight", Tensor.zeros(DType.F32, 8, 8)); // 256 bytes
        untied.put("lm_head.weight", Tensor.zeros(DType.BF16, 100, 8));              // 1600 bytes
        assertEquals(256 + 1600, BenchGenerateCommand.weightBytesReadPerToken(untied));
        untied.remove("lm_head.weight");  // tied: the embedding table is the head and is read every step
        assertEquals(1600 + 256, BenchGenerateCommand.weightBytesReadPerToken(untied));
    }

    @Test
    void rejectsANegativeWarmup() {
        int exit = new CommandLine(new BenchCommand()).execute("generate", "--model", "m", "--image", "x.png",
                "--warmup", "-1");
        assertEquals(2, exit);
    }
}
