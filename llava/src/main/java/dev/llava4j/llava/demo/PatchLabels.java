package dev.llava4j.llava.demo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the stand-in vision encoder learns to see: for every patch of an image, the colour and the shape of the
 * object whose centre lies in it (class 0 = no object; colour c is {@code c.ordinal() + 1}, likewise shapes).
 * Read from the {@code scenes.jsonl} that {@link ShapeWorld} writes.
 *
 * @param image  image path relative to the image folder
 * @param colour per patch (row-major), 0..{@link #COLOUR_CLASSES}-1
 * @param shape  per patch (row-major), 0..{@link #SHAPE_CLASSES}-1
 */
public record PatchLabels(String image, int[] colour, int[] shape) {

    public static final int COLOUR_CLASSES = ShapeColor.values().length + 1;
    public static final int SHAPE_CLASSES = Shape.values().length + 1;

    /** The images of one split ("train" / "eval") with their labels on a {@code grid x grid} patch grid. */
    public static List<PatchLabels> read(Path scenesJsonl, String split, int grid) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = Files.readAllLines(scenesJsonl, StandardCharsets.UTF_8);
        List<PatchLabels> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = scenesJsonl + " line " + (i + 1);
            JsonNode n;
            try {
                n = mapper.readTree(lines.get(i));
            } catch (JacksonException e) {
                throw new IOException(where + " is not JSON: " + e.getOriginalMessage(), e);
            }
            if (!n.path("split").asText("").equals(split)) {
                continue;
            }
            if (!n.path("image").isTextual() || !n.path("size").canConvertToInt() || !n.path("objects").isArray()) {
                throw new IOException(where + " needs \"image\", \"size\" and \"objects\"");
            }
            out.add(labels(n, grid, where));
        }
        return out;
    }

    private static PatchLabels labels(JsonNode n, int grid, String where) throws IOException {
        double patch = n.get("size").asDouble() / grid;
        int[] colour = new int[grid * grid];
        int[] shape = new int[grid * grid];
        for (JsonNode o : n.get("objects")) {
            if (!o.path("x").isNumber() || !o.path("y").isNumber()) {
                throw new IOException(where + ": an object has no numeric \"x\" / \"y\"");
            }
            int col = Math.min(grid - 1, (int) (o.get("x").asDouble() / patch));
            int row = Math.min(grid - 1, (int) (o.get("y").asDouble() / patch));
            try {
                colour[row * grid + col] = ShapeColor.fromWord(o.path("color").asText("")).ordinal() + 1;
                shape[row * grid + col] = Shape.fromWord(o.path("shape").asText("")).ordinal() + 1;
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        return new PatchLabels(n.get("image").textValue(), colour, shape);
    }
}
