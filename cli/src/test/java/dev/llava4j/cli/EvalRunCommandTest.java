package dev.llava4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code eval run} through picocli on a tiny random checkpoint (llava-hf layout, bundled LLaMA tokenizer). */
class EvalRunCommandTest {

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new EvalCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path tinyModel() throws IOException {
        return TinyCheckpoint.write(tmp.resolve("tiny-llava"));
    }

    private Path questions() throws IOException {
        Path images = Files.createDirectories(tmp.resolve("images"));
        BufferedImage img = new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 20; x++) {
                img.setRGB(x, y, (x * 12) << 16 | (y * 20) << 8 | 90);
            }
        }
        ImageIO.write(img, "png", images.resolve("gradient.png").toFile());
        Path file = tmp.resolve("llava_pope_test.jsonl");
        Files.writeString(file, """
                {"question_id": 1, "image": "gradient.png", "text": "Is there a dog in the image?\\nAnswer the question using a single word or phrase.", "category": "random"}
                {"question_id": 2, "image": "gradient.png", "text": "Is there a cat in the image?", "category": "random"}
                {"question_id": 3, "image": "gradient.png", "text": "Is there a car in the image?", "category": "random"}
                """);
        return file;
    }

    @Test
    void runIsAnEvalSubcommand() {
        assertTrue(new CommandLine(new EvalCommand()).getSubcommands().containsKey("run"));
    }

    @Test
    void answersTheFirstQuestionsThenResumesTheRest() throws Exception {
        Path model = tinyModel();
        Path questions = questions();
        Path answers = tmp.resolve("answers/pope/tiny.jsonl");
        List<String> args = List.of("run", "--model", model.toString(), "--benchmark", "pope", "--questions", questions.toString(),
                "--image-folder", tmp.resolve("images").toString(), "--answers", answers.toString(),
                "--batch-size", "2", "--max-new-tokens", "5", "--progress", "lines", "--progress-every", "2");

        Run first = run(with(args, "--limit", "2"));
        assertEquals(0, first.exit(), first.err());
        assertEquals("{\"benchmark\":\"pope\",\"answers\":" + JsonText.quote(answers.toString())
                + ",\"questions\":2,\"already_answered\":0,\"answered\":2}\n", first.out());
        assertTrue(first.err().contains("pope: 2 question(s), 0 already answered"), first.err());
        assertTrue(first.err().contains("pope 2/2 (100.0%)"), first.err());
        List<String> firstLines = Files.readAllLines(answers);
        assertEquals(2, firstLines.size());

        Run rest = run(args.toArray(String[]::new));
        assertEquals(0, rest.exit(), rest.err());
        assertTrue(rest.out().endsWith(",\"questions\":3,\"already_answered\":2,\"answered\":1}\n"), rest.out());
        assertTrue(rest.err().contains("pope 3/3 (100.0%)"), rest.err());
        List<String> lines = Files.readAllLines(answers);
        assertEquals(firstLines, lines.subList(0, 2));
        ObjectMapper om = new ObjectMapper();
        for (int i = 0; i < 3; i++) {
            JsonNode n = om.readTree(lines.get(i));
            assertEquals(i + 1, n.get("question_id").intValue());
            assertEquals("tiny-llava", n.get("model_id").textValue());
            assertTrue(n.get("prompt").textValue().endsWith("?\nAnswer the question using a single word or phrase."));
            assertTrue(n.get("text").isTextual() && n.get("metadata").isEmpty());
        }

        Run nothingLeft = run(args.toArray(String[]::new));
        assertEquals(0, nothingLeft.exit(), nothingLeft.err());
        assertTrue(nothingLeft.out().endsWith(",\"questions\":3,\"already_answered\":3,\"answered\":0}\n"), nothingLeft.out());
        assertEquals(lines, Files.readAllLines(answers));
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void badInputExitsWith2AndNamesTheProblem() throws Exception {
        Path questions = questions();
        Run unknown = run("run", "--model", tmp.toString(), "--benchmark", "coco", "--questions", questions.toString(),
                "--answers", tmp.resolve("a.jsonl").toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown benchmark \"coco\""), unknown.err());

        Run noImages = run("run", "--model", tmp.toString(), "--benchmark", "pope", "--questions", questions.toString(),
                "--image-folder", tmp.resolve("nowhere").toString(), "--answers", tmp.resolve("a.jsonl").toString());
        assertEquals(2, noImages.exit());
        assertTrue(noImages.err().startsWith("error: 3 question image(s) not found"), noImages.err());
        assertEquals("", noImages.out());

        Run badBatch = run("run", "--model", tmp.toString(), "--benchmark", "pope", "--questions", questions.toString(),
                "--answers", tmp.resolve("a.jsonl").toString(), "--batch-size", "0");
        assertEquals(2, badBatch.exit());
        assertTrue(badBatch.err().contains("batch size must be positive"), badBatch.err());
    }
}
