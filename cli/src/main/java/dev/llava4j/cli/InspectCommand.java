package dev.llava4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.tensor.safetensors.SafetensorsCheckpoint;
import dev.llava4j.tensor.safetensors.TensorEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** Lists the tensors of a safetensors file or checkpoint folder, after validating it completely. */
@Command(name = "inspect",
        description = "List the tensors (name, dtype, shape, bytes) and metadata of a safetensors file, "
                + "a sharded checkpoint folder or an index file. Exit code 2 if the checkpoint is malformed.")
public final class InspectCommand implements Callable<Integer> {

    /** Exit code for a checkpoint that cannot be read or is malformed. */
    public static final int EXIT_BAD_CHECKPOINT = 2;

    @Parameters(paramLabel = "PATH", description = "a .safetensors file, a .safetensors.index.json or a folder")
    Path path;

    @Option(names = "--json", description = "print one JSON object {\"tensors\": [...], \"metadata\": {...}}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(path)) {
            if (json) {
                printJson(out, checkpoint);
            } else {
                printTable(out, checkpoint);
            }
            out.flush();
            return 0;
        } catch (IOException e) { // SafetensorsException and any other I/O failure
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + e.getMessage());
            err.flush();
            return EXIT_BAD_CHECKPOINT;
        }
    }

    private static void printTable(PrintWriter out, SafetensorsCheckpoint checkpoint) {
        List<TensorEntry> entries = checkpoint.entries();
        String[][] rows = new String[entries.size() + 1][];
        rows[0] = new String[] {"name", "dtype", "shape", "bytes"};
        long totalBytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            TensorEntry e = entries.get(i);
            rows[i + 1] = new String[] {e.name(), e.dtype().safetensorsName(), formatShape(e.shape()),
                    Long.toString(e.byteSize())};
            totalBytes += e.byteSize();
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int c = 0; c < 4; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            // Text columns left-aligned, the byte count right-aligned so magnitudes line up.
            out.println(String.format("%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %"
                    + widths[3] + "s", (Object[]) row).stripTrailing());
        }
        out.println("total: " + entries.size() + " tensors, " + totalBytes + " bytes (" + humanSize(totalBytes)
                + ") in " + checkpoint.files().size() + " file(s)");
        if (checkpoint.unusedDataBytes() > 0) {
            out.println("note: " + checkpoint.unusedDataBytes() + " bytes of the data buffer belong to no tensor");
        }
        for (Map.Entry<String, String> m : checkpoint.metadata().entrySet()) {
            out.println("metadata: " + m.getKey() + " = " + m.getValue());
        }
    }

    private static void printJson(PrintWriter out, SafetensorsCheckpoint checkpoint) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode tensors = root.putArray("tensors");
        for (TensorEntry e : checkpoint.entries()) {
            ObjectNode t = tensors.addObject();
            t.put("name", e.name());
            t.put("dtype", e.dtype().safetensorsName());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            t.put("bytes", e.byteSize());
            t.put("file", e.file().toString());
        }
        ObjectNode metadata = root.putObject("metadata");
        checkpoint.metadata().forEach(metadata::put);
        out.println(mapper.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
    }

    static String formatShape(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Binary units, one decimal: 1536 -> "1.5 KiB". */
    static String humanSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
