package dev.llava4j.llava.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.data.ResponseFormat;
import dev.llava4j.tensor.Generator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * The synthetic visual world of {@code ./llava4j demo}: small images of coloured shapes on a 3x3 grid, and
 * LLaVA-format training data about them, deterministic by seed. Writes into {@code outDir}:
 * <ul>
 *   <li>{@code images/train/NNNNNN.png}, {@code images/eval/NNNNNN.png}: the image folder;</li>
 *   <li>{@code stage1.json}: one caption record per training image (LLaVA's pretraining format: an
 *       instruction and the caption; the plain template keeps only the caption);</li>
 *   <li>{@code stage2.json}: per training image a short-answer VQA record (questions end with the
 *       response-format prompt), a full-sentence record (the same kinds of questions without the prompt), a
 *       multi-turn description, a POPE-style yes/no record (one yes, one no), plus a text-only record for
 *       every tenth image (so the modality-grouped sampler has two modalities);</li>
 *   <li>{@code eval.jsonl}: held-out questions ({@link EvalItem}), each non-POPE question twice, with and
 *       without the response-format prompt;</li>
 *   <li>{@code scenes.jsonl}: what every image contains (shape, colour, cell, centre, size).</li>
 * </ul>
 * Evaluation images come from their own random stream and never repeat a training layout.
 */
public final class ShapeWorld {

    public static final int DEFAULT_IMAGE_SIZE = 64;
    public static final String SPLIT_TRAIN = "train";
    public static final String SPLIT_EVAL = "eval";
    /** A text-only record is added after every this many training images. */
    static final int TEXT_ONLY_EVERY = 10;
    /** Draws allowed to find an evaluation layout that training does not have. */
    private static final int MAX_LAYOUT_TRIES = 1000;

    /** Pretraining-style instructions (the plain template drops them; stored for format fidelity). */
    static final List<String> CAPTION_INSTRUCTIONS = List.of(
            "Describe the image briefly.",
            "Give a short caption for the image.",
            "Summarize the image in a few words.");

    /** Text-only knowledge about the world: (question, answer). */
    static final List<String[]> TEXT_ONLY = List.of(
            new String[] {"How many sides does a triangle have?", "A triangle has three sides."},
            new String[] {"How many sides does a square have?", "A square has four sides."},
            new String[] {"How many corners does a circle have?", "A circle has no corners."},
            new String[] {"How many points does a star have?", "A star has five points."},
            new String[] {"What colors can the objects have?", "The objects can be red, green, blue, yellow or purple."},
            new String[] {"What shapes can the objects have?", "The objects can be circles, squares, triangles or stars."});

    /** Where the generated files are. */
    public record Output(Path stage1Json, Path stage2Json, Path evalJsonl, Path imageFolder, Path scenesJsonl,
                         int stage1Records, int stage2Records, int evalItems) {
    }

    private ShapeWorld() {
    }

    public static Output generate(Path outDir, long seed, int trainImages, int evalImages) throws IOException {
        return generate(outDir, seed, trainImages, evalImages, DEFAULT_IMAGE_SIZE);
    }

    public static Output generate(Path outDir, long seed, int trainImages, int evalImages, int imageSize)
            throws IOException {
        if (trainImages < 1 || evalImages < 0) {
            throw new IllegalArgumentException("need at least 1 training image and no negative evaluation count, got "
                    + trainImages + " and " + evalImages);
        }
        Path images = outDir.resolve("images");
        Files.createDirectories(images.resolve(SPLIT_TRAIN));
        Files.createDirectories(images.resolve(SPLIT_EVAL));
        Generator root = new Generator(seed);
        Generator trainRandom = new Generator(root.nextLong());
        Generator evalRandom = new Generator(root.nextLong());
        SceneSampler sampler = new SceneSampler(imageSize);

        List<LlavaRecord> stage1 = new ArrayList<>();
        List<LlavaRecord> stage2 = new ArrayList<>();
        List<EvalItem> eval = new ArrayList<>();
        List<Map<String, Object>> scenes = new ArrayList<>();
        Set<String> trainLayouts = new HashSet<>();

        for (int i = 0; i < trainImages; i++) {
            Scene scene = sampler.sample(trainRandom);
            trainLayouts.add(scene.layoutKey());
            String image = imagePath(SPLIT_TRAIN, i);
            writePng(scene, images.resolve(image));
            scenes.add(sceneJson(SPLIT_TRAIN, image, scene));
            String id = SPLIT_TRAIN + "-" + serial(i);
            stage1.add(TrainingRecords.caption(id, image, scene, trainRandom));
            stage2.addAll(TrainingRecords.instructionRecords(id, image, scene, trainRandom));
            if (i % TEXT_ONLY_EVERY == TEXT_ONLY_EVERY - 1) {
                stage2.add(TrainingRecords.textOnly("text-" + serial(i / TEXT_ONLY_EVERY), trainRandom));
            }
        }
        for (int i = 0; i < evalImages; i++) {
            Scene scene = freshLayout(sampler, evalRandom, trainLayouts, i);
            String image = imagePath(SPLIT_EVAL, i);
            writePng(scene, images.resolve(image));
            scenes.add(sceneJson(SPLIT_EVAL, image, scene));
            eval.addAll(EvalQuestions.forScene(SPLIT_EVAL + "-" + serial(i), image, scene, evalRandom));
        }

        ObjectMapper mapper = new ObjectMapper();
        Path stage1Json = outDir.resolve("stage1.json");
        Path stage2Json = outDir.resolve("stage2.json");
        Path evalJsonl = outDir.resolve("eval.jsonl");
        Path scenesJsonl = outDir.resolve("scenes.jsonl");
        mapper.writerWithDefaultPrettyPrinter().writeValue(stage1Json.toFile(), toJson(stage1));
        mapper.writerWithDefaultPrettyPrinter().writeValue(stage2Json.toFile(), toJson(stage2));
        writeLines(mapper, evalJsonl, eval.stream().map(EvalItem::toJson).toList());
        writeLines(mapper, scenesJsonl, scenes);
        return new Output(stage1Json, stage2Json, evalJsonl, images, scenesJsonl, stage1.size(), stage2.size(),
                eval.size());
    }

    /** Short-answer prompt of LLaVA-1.5: question, newline, instruction. */
    static String shortAnswerPrompt(String question) {
        return ResponseFormat.append(question, ResponseFormat.SHORT_ANSWER);
    }

    static String imagePath(String split, int index) {
        return split + "/" + serial(index) + ".png";
    }

    /** Six-digit serial number (ASCII digits whatever the default locale). */
    static String serial(int index) {
        return String.format(Locale.ROOT, "%06d", index);
    }

    /**
     * Scenes for text only (no image is rendered), deterministic by seed, none with a layout in
     * {@code excludedLayouts} (the held-out images').
     */
    public static List<Scene> textScenes(int count, long seed, int imageSize, Set<String> excludedLayouts) {
        SceneSampler sampler = new SceneSampler(imageSize);
        Generator random = new Generator(seed);
        List<Scene> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(freshLayout(sampler, random, excludedLayouts, i));
        }
        return out;
    }

    private static Scene freshLayout(SceneSampler sampler, Generator random, Set<String> excludedLayouts, int index) {
        for (int tries = 0; tries < MAX_LAYOUT_TRIES; tries++) {
            Scene scene = sampler.sample(random);
            if (!excludedLayouts.contains(scene.layoutKey())) {
                return scene;
            }
        }
        throw new IllegalStateException("scene " + index + ": no layout outside the " + excludedLayouts.size()
                + " excluded ones in " + MAX_LAYOUT_TRIES + " draws (too many images for this world)");
    }

    private static void writePng(Scene scene, Path file) throws IOException {
        if (!ImageIO.write(SceneRenderer.render(scene), "png", file.toFile())) {
            throw new IOException("no PNG writer available to write " + file);
        }
    }

    private static Map<String, Object> sceneJson(String split, String image, Scene scene) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", image);
        m.put("split", split);
        m.put("size", scene.size());
        List<Map<String, Object>> objects = new ArrayList<>();
        for (SceneObject o : scene.objects()) {
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("shape", o.shape().word());
            obj.put("color", o.color().word());
            obj.put("cell", o.cell().label());
            obj.put("x", o.centerX());
            obj.put("y", o.centerY());
            obj.put("size", o.size());
            objects.add(obj);
        }
        m.put("objects", objects);
        return m;
    }

    private static List<Map<String, Object>> toJson(List<LlavaRecord> records) {
        List<Map<String, Object>> out = new ArrayList<>(records.size());
        for (LlavaRecord r : records) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            if (r.hasImage()) {
                m.put("image", r.image());
            }
            List<Map<String, String>> turns = new ArrayList<>();
            for (LlavaRecord.Message msg : r.conversations()) {
                Map<String, String> t = new LinkedHashMap<>();
                t.put("from", msg.from());
                t.put("value", msg.value());
                turns.add(t);
            }
            m.put("conversations", turns);
            out.add(m);
        }
        return out;
    }

    private static void writeLines(ObjectMapper mapper, Path file, List<Map<String, Object>> rows) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map<String, Object> row : rows) {
                w.write(mapper.writeValueAsString(row));
                w.write('\n');
            }
        }
    }
}
