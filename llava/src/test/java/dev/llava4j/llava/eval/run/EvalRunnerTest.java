package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.RgbImage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner with a stand-in answerer: selection, resuming, batching and the written lines. */
class EvalRunnerTest {

    @TempDir
    Path tmp;

    private Path images;
    private Path answers;
    private RgbImage red;
    private final List<List<String>> batches = new ArrayList<>();
    private final AtomicInteger nextId = new AtomicInteger();

    /** Answers "answer <id>", recording each batch's ids and checking the images it was given. */
    private final Answerer fake = (questions, imgs) -> {
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            EvalQuestion q = questions.get(i);
            ids.add(String.valueOf(q.plainId()));
            if (q.hasImage()) {
                assertEquals(red, imgs.get(i));
            } else {
                assertNull(imgs.get(i));
            }
            texts.add("answer " + q.plainId());
        }
        batches.add(ids);
        return texts;
    };

    @BeforeEach
    void setUp() throws Exception {
        images = Files.createDirectories(tmp.resolve("images"));
        Path png = MmBenchQuestionSourceTest.fixtureImage("red_circle.png");
        Files.copy(png, images.resolve("red.png"));
        red = ImageLoader.load(png);
        answers = tmp.resolve("out/answers.jsonl");
    }

    private List<EvalQuestion> questions() throws IOException {
        Path file = tmp.resolve("q.jsonl");
        Files.writeString(file, """
                {"question_id": 1, "image": "red.png", "text": "One?"}
                {"question_id": 2, "image": "red.png", "text": "Two?"}
                {"question_id": 3, "text": "Three?"}
                {"question_id": 4, "image": "red.png", "text": "Four?"}
                """);
        BenchmarkSpec spec = BenchmarkSpec.named("pope");
        return spec.source().read(file, images, spec);
    }

    private EvalRunner runner(int limit, int batch) {
        return new EvalRunner(new EvalRunner.Settings(limit, batch, "tiny-llava"), ProgressListener.NONE,
                () -> "id" + nextId.getAndIncrement());
    }

    private List<JsonNode> answerLines() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(answers)) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    @Test
    void answersEveryQuestionInBatchesInFileOrder() throws Exception {
        EvalRunner r = runner(0, 3);
        EvalRunner.Summary s = r.run(r.plan(questions(), answers), fake);
        assertEquals(new EvalRunner.Summary(answers, 4, 0, 4), s);
        assertEquals(List.of(List.of("1", "2", "3"), List.of("4")), batches);
        List<JsonNode> lines = answerLines();
        assertEquals(4, lines.size());
        JsonNode first = lines.get(0);
        assertEquals(List.of("question_id", "prompt", "text", "answer_id", "model_id", "metadata"),
                iterableToList(first.fieldNames()));
        assertEquals(1, first.get("question_id").intValue());
        assertEquals("One?\nAnswer the question using a single word or phrase.", first.get("prompt").textValue());
        assertEquals("answer 1", first.get("text").textValue());
        assertEquals("id0", first.get("answer_id").textValue());
        assertEquals("tiny-llava", first.get("model_id").textValue());
        assertTrue(first.get("metadata").isObject() && first.get("metadata").isEmpty());
        assertEquals("id3", lines.get(3).get("answer_id").textValue());
    }

    @Test
    void resumingSkipsQuestionIdsAlreadyAnswered() throws Exception {
        Files.createDirectories(answers.getParent());
        String earlier = "{\"question_id\": 1, \"prompt\": \"p\", \"text\": \"old 1\", \"answer_id\": \"x\", \"model_id\": \"tiny-llava\", \"metadata\": {}}\n"
                + "{\"question_id\": 3, \"prompt\": \"p\", \"text\": \"old 3\", \"answer_id\": \"y\", \"model_id\": \"tiny-llava\", \"metadata\": {}}\n";
        Files.writeString(answers, earlier);
        EvalRunner r = runner(0, 2);
        EvalRunner.Plan plan = r.plan(questions(), answers);
        assertEquals(2, plan.alreadyAnswered());
        assertEquals(List.of(), plan.warnings());
        EvalRunner.Summary s = r.run(plan, fake);
        assertEquals(new EvalRunner.Summary(answers, 4, 2, 2), s);
        assertEquals(List.of(List.of("2", "4")), batches);
        assertTrue(Files.readString(answers).startsWith(earlier));
        assertEquals(List.of("old 1", "old 3", "answer 2", "answer 4"),
                answerLines().stream().map(n -> n.get("text").textValue()).toList());

        batches.clear();
        EvalRunner.Plan again = r.plan(questions(), answers);
        assertEquals(List.of(), again.pending());
        assertEquals(new EvalRunner.Summary(answers, 4, 4, 0), r.run(again, fake));
        assertEquals(List.of(), batches);
        assertEquals(4, answerLines().size());
    }

    @Test
    void limitTakesTheFirstQuestionsAndALargerLimitContinues() throws Exception {
        runner(3, 2).run(runner(3, 2).plan(questions(), answers), fake);
        assertEquals(List.of(List.of("1", "2"), List.of("3")), batches);
        batches.clear();
        EvalRunner all = runner(0, 2);
        all.run(all.plan(questions(), answers), fake);
        assertEquals(List.of(List.of("4")), batches);
        assertEquals(List.of(1, 2, 3, 4), answerLines().stream().map(n -> n.get("question_id").intValue()).toList());
    }

    @Test
    void anUnfinishedLastLineIsCutBeforeResuming() throws Exception {
        Files.createDirectories(answers.getParent());
        String done = "{\"question_id\": 1, \"prompt\": \"p\", \"text\": \"old\", \"answer_id\": \"x\", \"model_id\": \"tiny-llava\", \"metadata\": {}}\n";
        Files.writeString(answers, done + "{\"question_id\": 2, \"prompt\": \"Tw");
        EvalRunner r = runner(0, 4);
        EvalRunner.Plan plan = r.plan(questions(), answers);
        assertEquals(1, plan.warnings().size());
        assertTrue(plan.warnings().getFirst().contains("removed an unfinished last line"), plan.warnings().getFirst());
        assertEquals(done, Files.readString(answers));
        r.run(plan, fake);
        assertEquals(List.of(List.of("2", "3", "4")), batches);
        assertEquals(4, answerLines().size());
    }

    @Test
    void aCompleteLastLineWithoutLineBreakIsKept() throws Exception {
        Files.createDirectories(answers.getParent());
        Files.writeString(answers, "{\"question_id\": 2, \"text\": \"kept\", \"model_id\": \"other\"}");
        EvalRunner r = runner(0, 4);
        EvalRunner.Plan plan = r.plan(questions(), answers);
        assertEquals(1, plan.alreadyAnswered());
        assertEquals(2, plan.warnings().size(), plan.warnings().toString());
        assertTrue(plan.warnings().get(0).contains("added the missing line break"), plan.warnings().get(0));
        assertTrue(plan.warnings().get(1).contains("\"other\""), plan.warnings().get(1));
        r.run(plan, fake);
        assertEquals(List.of("kept", "answer 1", "answer 3", "answer 4"),
                answerLines().stream().map(n -> n.get("text").textValue()).toList());
    }

    @Test
    void missingImagesStopTheRunBeforeAnything() throws Exception {
        Files.delete(images.resolve("red.png"));
        EvalInputException e = assertThrows(EvalInputException.class, () -> runner(0, 1).plan(questions(), answers));
        assertTrue(e.getMessage().startsWith("3 question image(s) not found"), e.getMessage());
        assertTrue(e.getMessage().contains("red.png") && e.getMessage().contains("--image-folder"), e.getMessage());
        assertFalse(Files.exists(answers));
    }

    @Test
    void aWrongNumberOfAnswersIsAnError() throws Exception {
        EvalRunner r = runner(0, 2);
        EvalRunner.Plan plan = r.plan(questions(), answers);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.run(plan, (qs, imgs) -> List.of("only one")));
        assertTrue(e.getMessage().contains("1 answers for 2 questions"), e.getMessage());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new EvalRunner.Settings(-1, 1, "m"));
        assertThrows(IllegalArgumentException.class, () -> new EvalRunner.Settings(0, 0, "m"));
    }

    private static <T> List<T> iterableToList(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
