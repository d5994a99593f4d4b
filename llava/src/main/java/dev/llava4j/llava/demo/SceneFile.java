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

/** Reads back the {@code scenes.jsonl} that {@link ShapeWorld} writes: what every image contains. */
public final class SceneFile {

    /** One image: its path relative to the image folder, its split and its scene. */
    public record Entry(String image, String split, Scene scene) {
    }

    private SceneFile() {
    }

    public static List<Entry> read(Path scenesJsonl) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = Files.readAllLines(scenesJsonl, StandardCharsets.UTF_8);
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = scenesJsonl + " line " + (i + 1);
            try {
                out.add(entry(mapper.readTree(lines.get(i))));
            } catch (JacksonException e) {
                throw new IOException(where + " is not JSON: " + e.getOriginalMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Entry entry(JsonNode n) {
        for (String field : List.of("image", "split")) {
            if (!n.path(field).isTextual()) {
                throw new IllegalArgumentException("no string field \"" + field + "\"");
            }
        }
        if (!n.path("size").canConvertToInt() || !n.path("objects").isArray()) {
            throw new IllegalArgumentException("needs an integer \"size\" and an array \"objects\"");
        }
        List<SceneObject> objects = new ArrayList<>();
        for (JsonNode o : n.get("objects")) {
            for (String field : List.of("x", "y", "size")) {
                if (!o.path(field).isNumber()) {
                    throw new IllegalArgumentException("an object has no number \"" + field + "\"");
                }
            }
            objects.add(new SceneObject(Shape.fromWord(o.path("shape").asText("")),
                    ShapeColor.fromWord(o.path("color").asText("")), GridCell.fromLabel(o.path("cell").asText("")),
                    o.get("x").asDouble(), o.get("y").asDouble(), o.get("size").asDouble()));
        }
        return new Entry(n.get("image").textValue(), n.get("split").textValue(), new Scene(n.get("size").intValue(), objects));
    }
}
