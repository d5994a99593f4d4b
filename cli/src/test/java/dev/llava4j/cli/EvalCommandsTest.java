package dev.llava4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalCommandsTest {

    private static final String REVIEWS = """
            {"question_id": 0, "category": "llava_bench_conv", "content": "8 10\\nGood."}
            {"question_id": 1, "category": "llava_bench_detail", "content": "9 6.5\\nMissed details."}
            not json
            """;

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void scoreJsonPrintsExactlyOneLine() throws Exception {
        Path reviews = tmp.resolve("reviews.jsonl");
        Files.writeString(reviews, REVIEWS);
        Run r = run(new EvalScoreCommand(), "--benchmark", "llavabench", "--answers", reviews.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"all\": {\"relative\": 97.1, \"gpt4\": 85.0, \"model\": 82.5}, "
                + "\"llava_bench_conv\": {\"relative\": 125.0, \"gpt4\": 80.0, \"model\": 100.0}, "
                + "\"llava_bench_detail\": {\"relative\": 72.2, \"gpt4\": 90.0, \"model\": 65.0}, "
                + "\"skipped_lines\": 1}\n", r.out());
        assertTrue(r.err().contains("warning: ") && r.err().contains("skipped 1 line"), r.err());
    }

    @Test
    void scoreTableIsReadable() throws Exception {
        Path reviews = tmp.resolve("reviews.jsonl");
        Files.writeString(reviews, REVIEWS);
        Run r = run(new EvalScoreCommand(), "--benchmark", "llavabench", "--answers", reviews.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("llavabench\n  all / relative  97.1\n"), r.out());
    }

    @Test
    void badInputExitsWith2AndAMessage() {
        Run unknown = run(new EvalScoreCommand(), "--benchmark", "nope", "--answers", "x.jsonl");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown benchmark \"nope\""), unknown.err());

        Run missing = run(new EvalScoreCommand(), "--benchmark", "textvqa", "--answers",
                tmp.resolve("absent.jsonl").toString(), "--annotations", tmp.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().startsWith("error: "), missing.err());
        assertEquals("", missing.out());
    }

    @Test
    void convertWritesTheFile() throws Exception {
        Path answers = tmp.resolve("answers.jsonl");
        Files.writeString(answers, "{\"question_id\": 0, \"text\": \"x = 3\"}\n");
        Path out = tmp.resolve("results/mmvet.json");
        Run r = run(new EvalConvertCommand(), "--benchmark", "mmvet", "--answers", answers.toString(),
                "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\n  \"v1_0\": \"x = 3\"\n}", Files.readString(out));
        assertTrue(r.out().contains("\"answers\": 1"), r.out());
    }
}
