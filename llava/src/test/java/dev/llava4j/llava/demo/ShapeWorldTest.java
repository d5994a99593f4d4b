package dev.llava4j.llava.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.llava.data.LlavaDataset;
import dev.llava4j.llava.data.LlavaJsonReader;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.data.ResponseFormat;
import dev.llava4j.llava.data.TokenizedSample;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapeWorldTest {

    private static final int TRAIN = 60;
    private static final int EVAL = 20;
    private static final Pattern COLOR_Q = Pattern.compile("What color is the (\\w+)\\?");
    private static final Pattern COUNT_Q = Pattern.compile("How many (\\w+)s are there\\?");
    private static final Pattern SHAPE_Q = Pattern.compile("What shape is the (\\w+) object\\?");
    private static final Pattern WHERE_Q = Pattern.compile("Where is the (\\w+) (\\w+)\\?");
    private static final Pattern EXISTS_Q = Pattern.compile("Is there a (\\w+) (\\w+) in the image\\?");

    @TempDir
    static Path dir;
    private static ShapeWorld.Output world;
    /** image path -> objects drawn in it (from scenes.jsonl). */
    private static Map<String, List<JsonNode>> scenes;

    @BeforeAll
    static void generate() throws IOException {
        world = ShapeWorld.generate(dir.resolve("a"), 1234, TRAIN, EVAL);
        scenes = new HashMap<>();
        ObjectMapper mapper = new ObjectMapper();
        for (String line : Files.readAllLines(world.scenesJsonl(), StandardCharsets.UTF_8)) {
            JsonNode n = mapper.readTree(line);
            scenes.put(n.get("image").textValue(), List.copyOf(n.get("objects").valueStream().toList()));
        }
    }

    @Test
    void sameSeedSameFilesOtherSeedOtherFiles() throws IOException {
        ShapeWorld.Output again = ShapeWorld.generate(dir.resolve("b"), 1234, TRAIN, EVAL);
        for (String name : List.of("stage1.json", "stage2.json", "eval.jsonl", "scenes.jsonl",
                "images/train/000017.png", "images/eval/000005.png")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(name)),
                    Files.readAllBytes(dir.resolve("b").resolve(name)), name);
        }
        ShapeWorld.Output other = ShapeWorld.generate(dir.resolve("c"), 99, TRAIN, EVAL);
        assertFalse(Files.readString(other.stage2Json()).equals(Files.readString(again.stage2Json())));
    }

    @Test
    void recordCountsAndFilesAreConsistent() throws IOException {
        assertEquals(TRAIN, world.stage1Records());
        // per image: one or more VQA records (see noAnswerIsGivenAwayByAnEarlierTurn), sentence, detail, yes/no
        assertTrue(world.stage2Records() >= 4 * TRAIN + TRAIN / ShapeWorld.TEXT_ONLY_EVERY, "" + world.stage2Records());
        LlavaJsonReader reader = new LlavaJsonReader(world.imageFolder());
        LlavaDataset stage1 = reader.read(world.stage1Json());
        LlavaDataset stage2 = reader.read(world.stage2Json());
        assertEquals(0, stage1.skipped(), stage1.problems().toString());
        assertEquals(0, stage2.skipped(), stage2.problems().toString());
        assertEquals(TRAIN, stage1.size());
        assertEquals(world.stage2Records(), stage2.size());
        assertEquals(TRAIN / ShapeWorld.TEXT_ONLY_EVERY,
                stage2.records().stream().filter(r -> !r.hasImage()).count());
        assertEquals(TRAIN + EVAL, scenes.size());
        try (Stream<Path> pngs = Files.list(world.imageFolder().resolve("eval"))) {
            assertEquals(EVAL, pngs.count());
        }
    }

    @Test
    void everyObjectIsDrawnInItsColourAtItsCentre() throws IOException {
        for (Map.Entry<String, List<JsonNode>> e : scenes.entrySet()) {
            BufferedImage image = ImageIO.read(world.imageFolder().resolve(e.getKey()).toFile());
            assertEquals(ShapeWorld.DEFAULT_IMAGE_SIZE, image.getWidth());
            for (JsonNode o : e.getValue()) {
                assertEquals(ShapeColor.fromWord(o.get("color").textValue()).rgb(), centreColour(image, o),
                        e.getKey() + " " + o);
            }
            boolean topLeftTaken = e.getValue().stream().anyMatch(o -> o.get("cell").textValue().equals("top left"));
            if (!topLeftTaken) {
                assertEquals(SceneRenderer.BACKGROUND, image.getRGB(0, 0) & 0xFFFFFF, e.getKey());
            }
        }
    }

    private static int centreColour(BufferedImage image, JsonNode o) {
        return image.getRGB((int) o.get("x").doubleValue(), (int) o.get("y").doubleValue()) & 0xFFFFFF;
    }

    @Test
    void trainingAnswersMatchThePixels() throws IOException {
        LlavaDataset stage2 = new LlavaJsonReader(world.imageFolder()).read(world.stage2Json());
        int checked = 0;
        for (LlavaRecord r : stage2.records()) {
            if (!r.hasImage()) {
                continue;
            }
            BufferedImage image = ImageIO.read(world.imageFolder().resolve(r.image()).toFile());
            List<LlavaRecord.Message> turns = r.conversations();
            for (int t = 0; t < turns.size(); t += 2) {
                String question = turns.get(t).value().replace("<image>\n", "");
                String bare = question.replace("\n" + ResponseFormat.SHORT_ANSWER, "");
                boolean shortForm = !bare.equals(question);
                checked += checkAnswer(r.id(), image, scenes.get(r.image()), bare, turns.get(t + 1).value(),
                        shortForm);
            }
        }
        assertTrue(checked > TRAIN * 3, "only " + checked + " answers checked");
    }

    @Test
    void evalAnswersMatchThePixelsAndPopeIsBalanced() throws IOException {
        List<EvalItem> items = EvalItem.readAll(world.evalJsonl());
        assertEquals(world.evalItems(), items.size());
        int yes = 0;
        int no = 0;
        Set<String> ids = new HashSet<>();
        for (EvalItem item : items) {
            assertTrue(ids.add(item.questionId()), "duplicate " + item.questionId());
            assertTrue(item.image().startsWith("eval/"));
            BufferedImage image = ImageIO.read(world.imageFolder().resolve(item.image()).toFile());
            boolean shortForm = item.format().equals(EvalItem.SHORT);
            assertEquals(shortForm ? ShapeWorld.shortAnswerPrompt(item.question()) : item.question(), item.text());
            checkAnswer(item.questionId(), image, scenes.get(item.image()), item.question(), item.answer(), shortForm);
            if (item.kind() == QuestionKind.EXISTENCE) {
                assertEquals(item.shortAnswer().toLowerCase(Locale.ROOT), item.label());
                yes += item.label().equals("yes") ? 1 : 0;
                no += item.label().equals("no") ? 1 : 0;
            }
        }
        assertEquals(EVAL, yes);
        assertEquals(EVAL, no);
    }

    @Test
    void evaluationLayoutsNeverAppearInTraining() throws IOException {
        Set<String> train = new HashSet<>();
        Set<String> eval = new HashSet<>();
        for (Map.Entry<String, List<JsonNode>> e : scenes.entrySet()) {
            StringBuilder key = new StringBuilder();
            for (JsonNode o : e.getValue()) {
                key.append(o.get("cell").textValue()).append(o.get("color").textValue())
                        .append(o.get("shape").textValue()).append(';');
            }
            (e.getKey().startsWith("train/") ? train : eval).add(key.toString());
        }
        for (String k : eval) {
            assertFalse(train.contains(k), k);
        }
    }

    @Test
    void textScenesAreDeterministicAndAvoidTheExcludedLayouts() {
        List<Scene> first = ShapeWorld.textScenes(300, 5, ShapeWorld.DEFAULT_IMAGE_SIZE, Set.of());
        Set<String> excluded = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            excluded.add(first.get(i).layoutKey());
        }
        List<Scene> again = ShapeWorld.textScenes(300, 5, ShapeWorld.DEFAULT_IMAGE_SIZE, Set.of());
        assertEquals(first.stream().map(Scene::layoutKey).toList(), again.stream().map(Scene::layoutKey).toList());
        List<Scene> avoiding = ShapeWorld.textScenes(300, 5, ShapeWorld.DEFAULT_IMAGE_SIZE, excluded);
        assertEquals(300, avoiding.size());
        for (Scene scene : avoiding) {
            assertFalse(excluded.contains(scene.layoutKey()), scene.layoutKey());
        }
    }

    @Test
    void recordsPreprocessWithSupervisedAnswers() throws IOException {
        LlamaTokenizer tokenizer = DemoTokenizer.load();
        LlavaJsonReader reader = new LlavaJsonReader(world.imageFolder());
        for (LlavaRecord r : reader.read(world.stage1Json()).records()) {
            TokenizedSample s = LlavaPreprocessor.preprocess(r, "plain", tokenizer, 2048);
            assertEquals(LlavaPreprocessor.IMAGE_TOKEN_INDEX, s.inputIds()[1]);
            assertEquals(s.length() - 2, s.numSupervised(), r.id());
        }
        for (LlavaRecord r : reader.read(world.stage2Json()).records()) {
            TokenizedSample s = LlavaPreprocessor.preprocess(r, "v1", tokenizer, 2048);
            // no tokenization mismatch (which would mask everything): answers and their </s> are supervised
            assertTrue(s.numSupervised() >= r.conversations().size() / 2 * 2, r.id());
            assertEquals(r.hasImage() ? 1 : 0, s.numImageTokens(), r.id());
        }
    }

    /**
     * No colour or shape question can be answered from an earlier turn of its conversation: no earlier question or
     * answer states the colour and shape of the object asked about (as "blue square", or as the answer to the
     * colour or shape question about it).
     */
    @Test
    void noAnswerIsGivenAwayByAnEarlierTurn() throws IOException {
        int checked = 0;
        for (LlavaRecord r : new LlavaJsonReader(null).read(world.stage2Json()).records()) {
            Set<String> stated = new HashSet<>();
            StringBuilder earlier = new StringBuilder();
            for (int t = 0; t + 1 < r.conversations().size(); t += 2) {
                String question = r.conversations().get(t).value().toLowerCase(Locale.ROOT);
                String answer = r.conversations().get(t + 1).value().toLowerCase(Locale.ROOT);
                String pairing = pairingAskedFor(question, answer);
                if (pairing != null) {
                    assertFalse(stated.contains(pairing) || earlier.indexOf(pairing) >= 0,
                            r.id() + ": the answer to '" + question + "' is stated in an earlier turn");
                    stated.add(pairing);
                    checked++;
                }
                earlier.append(question).append(' ').append(answer).append('\n');
            }
        }
        assertTrue(checked > TRAIN, "colour and shape questions checked: " + checked);
    }

    /** "blue square" for a colour or shape question about the blue square (read from the answer), else null. */
    private static String pairingAskedFor(String question, String answer) {
        Matcher colour = Pattern.compile("what color is the (\\w+)\\?").matcher(question);
        if (colour.find()) {
            for (ShapeColor c : ShapeColor.values()) {
                if (answer.matches("(?s).*\\b" + c.word() + "\\b.*")) {
                    return c.word() + " " + colour.group(1);
                }
            }
            fail("no colour in the answer '" + answer + "' to '" + question + "'");
        }
        Matcher shape = Pattern.compile("what shape is the (\\w+) object\\?").matcher(question);
        if (shape.find()) {
            for (Shape x : Shape.values()) {
                if (answer.matches("(?s).*\\b" + x.word() + "\\b.*")) {
                    return shape.group(1) + " " + x.word();
                }
            }
            fail("no shape in the answer '" + answer + "' to '" + question + "'");
        }
        return null;
    }

    @Test
    void textIsRegular() throws IOException {
        String stage2 = Files.readString(world.stage2Json());
        assertTrue(stage2.contains(ResponseFormat.SHORT_ANSWER));
        for (LlavaRecord r : new LlavaJsonReader(null).read(world.stage2Json()).records()) {
            boolean prompted = r.id().matches(".*-vqa\\d*") || r.id().endsWith("-pope");
            for (int t = 0; t < r.conversations().size(); t += 2) {
                assertEquals(prompted, r.conversations().get(t).value().endsWith(ResponseFormat.SHORT_ANSWER), r.id());
                String answer = r.conversations().get(t + 1).value();
                if (prompted) {
                    assertFalse(answer.endsWith("."), r.id() + ": short answers have no full stop: " + answer);
                } else {
                    assertTrue(answer.endsWith("."), r.id() + ": sentences end with a full stop: " + answer);
                }
            }
        }
        assertEquals("Two red circles and a blue star.", SceneLanguage.caption(new Scene(64, List.of(
                new SceneObject(Shape.CIRCLE, ShapeColor.RED, GridCell.TOP_LEFT, 10, 10, 12),
                new SceneObject(Shape.STAR, ShapeColor.BLUE, GridCell.TOP, 32, 10, 12),
                new SceneObject(Shape.CIRCLE, ShapeColor.RED, GridCell.CENTER, 32, 32, 12)))));
    }

    /**
     * Checks one answer against the scene and the pixels; returns 1 when a rule applied. Short answers are
     * compared exactly, sentences by their content.
     */
    private static int checkAnswer(String id, BufferedImage image, List<JsonNode> objects, String question,
                                   String answer, boolean shortForm) {
        String where = id + ": " + question + " -> " + answer;
        Matcher m;
        if ((m = COLOR_Q.matcher(question)).matches()) {
            String shape = Shape.fromWord(m.group(1)).word();
            List<JsonNode> matching = objects.stream().filter(o -> o.get("shape").textValue().equals(shape)).toList();
            assertEquals(1, matching.size(), where);
            String colour = ShapeColor.nearest(centreColour(image, matching.getFirst())).word();
            assertEquals(shortForm ? cap(colour) : "The " + m.group(1) + " is " + colour + ".", answer, where);
            return 1;
        }
        if ((m = SHAPE_Q.matcher(question)).matches()) {
            String colour = m.group(1);
            List<JsonNode> matching = objects.stream()
                    .filter(o -> ShapeColor.nearest(centreColour(image, o)).word().equals(colour)).toList();
            assertEquals(1, matching.size(), where);
            String shape = matching.getFirst().get("shape").textValue();
            assertEquals(shortForm ? cap(shape) : "The " + colour + " object is a " + shape + ".", answer, where);
            return 1;
        }
        if ((m = COUNT_Q.matcher(question)).matches()) {
            String shape = m.group(1);
            long n = objects.stream().filter(o -> o.get("shape").textValue().equals(shape)).count();
            if (shortForm) {
                assertEquals(Long.toString(n), answer, where);
            } else {
                String[] words = {"no", "one", "two", "three"};
                assertTrue(answer.contains(" " + words[(int) n] + " " + shape), where);
            }
            return 1;
        }
        if ((m = WHERE_Q.matcher(question)).matches()) {
            String colour = m.group(1);
            String shape = m.group(2);
            List<JsonNode> matching = objects.stream().filter(o -> o.get("shape").textValue().equals(shape)
                    && ShapeColor.nearest(centreColour(image, o)).word().equals(colour)).toList();
            assertEquals(1, matching.size(), where);
            GridCell cell = GridCell.fromLabel(matching.getFirst().get("cell").textValue());
            assertCellMatchesPixels(image, matching.getFirst(), cell, where);
            assertEquals(shortForm ? cap(cell.label()) : "The " + colour + " " + shape + " is " + cell.phrase() + ".",
                    answer, where);
            return 1;
        }
        if ((m = EXISTS_Q.matcher(question)).matches()) {
            String colour = m.group(1);
            String shape = m.group(2);
            boolean present = objects.stream().anyMatch(o -> o.get("shape").textValue().equals(shape)
                    && ShapeColor.nearest(centreColour(image, o)).word().equals(colour));
            assertEquals(present ? "Yes" : "No", shortForm ? answer : answer.substring(0, answer.indexOf(',')), where);
            return 1;
        }
        return 0;
    }

    /** The object's centre pixel lies in the grid cell its position answer names. */
    private static void assertCellMatchesPixels(BufferedImage image, JsonNode o, GridCell cell, String where) {
        int x = (int) o.get("x").doubleValue();
        int y = (int) o.get("y").doubleValue();
        assertEquals(cell.column(), Math.min(2, x * 3 / image.getWidth()), where + " (x " + x + ")");
        assertEquals(cell.row(), Math.min(2, y * 3 / image.getHeight()), where);
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
