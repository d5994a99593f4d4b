package dev.llava4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.safetensors.SafetensorsWriter;
import dev.llava4j.tensor.safetensors.WriteEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = new CommandLine(new InspectCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    private Path sample() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("seed", "7");
        SafetensorsWriter.write(f, meta, List.of(
                new WriteEntry("model.embed_tokens.weight", DType.F16, new long[] {32, 16},
                        MemorySegment.ofArray(new byte[1024])),
                new WriteEntry("ids", DType.I64, new long[] {3}, MemorySegment.ofArray(new byte[24])),
                new WriteEntry("s", DType.F32, new long[] {}, MemorySegment.ofArray(new byte[4]))));
        return f;
    }

    @Test
    void tableHasAlignedRowsTotalAndMetadata() throws IOException {
        Path f = sample();
        assertEquals(0, run(f.toString()), err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(List.of(
                "name                       dtype  shape     bytes",
                "model.embed_tokens.weight  F16    [32, 16]   1024",
                "ids                        I64    [3]          24",
                "s                          F32    []            4",
                "total: 3 tensors, 1052 bytes (1.0 KiB) in 1 file(s)",
                "metadata: format = pt",
                "metadata: seed = 7"), lines);
        assertEquals("", err.toString());
    }

    @Test
    void jsonListsTensorsWithFilesAndMetadata() throws IOException {
        Path f = sample();
        assertEquals(0, run("--json", dir.toString()));
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertEquals(3, root.get("tensors").size());
        JsonNode first = root.get("tensors").get(0);
        assertEquals("model.embed_tokens.weight", first.get("name").textValue());
        assertEquals("F16", first.get("dtype").textValue());
        assertEquals("[32,16]", first.get("shape").toString());
        assertEquals(1024, first.get("bytes").longValue());
        assertEquals(f.toString(), first.get("file").textValue());
        assertEquals("[]", root.get("tensors").get(2).get("shape").toString());
        assertEquals("pt", root.get("metadata").get("format").textValue());
        assertEquals("7", root.get("metadata").get("seed").textValue());
    }

    @Test
    void malformedFileGivesExitCodeTwoAndMessage() throws IOException {
        Path f = Files.write(dir.resolve("bad.safetensors"), new byte[] {1, 2, 3});
        assertEquals(2, run(f.toString()));
        assertEquals("error: " + f + ": file is 3 bytes, shorter than the 8-byte header length",
                err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void pickleFolderGivesExitCodeTwo() throws IOException {
        Files.write(dir.resolve("pytorch_model.bin"), new byte[4]);
        assertEquals(2, run(dir.toString()));
        assertTrue(err.toString().startsWith("error: " + dir + ": found PyTorch pickle checkpoint"), err.toString());
    }

    @Test
    void humanSizes() {
        assertEquals("0 B", InspectCommand.humanSize(0));
        assertEquals("1023 B", InspectCommand.humanSize(1023));
        assertEquals("1.5 KiB", InspectCommand.humanSize(1536));
        assertEquals("13.5 GiB", InspectCommand.humanSize(14_495_514_624L));
    }
}
