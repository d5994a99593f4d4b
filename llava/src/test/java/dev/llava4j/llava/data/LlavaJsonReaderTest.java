package dev.llava4j.llava.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed records are skipped, counted and explained; valid ones are kept in order. */
class LlavaJsonReaderTest {

    private static final String GOOD = """
            {"id": "ok", "image": "img/a.png", "conversations": [{"from": "human", "value": "<image>\\nQ"}, \
            {"from": "gpt", "value": "A"}]}""";

    @TempDir
    Path tmp;
    private Path images;

    @BeforeEach
    void createImages() throws IOException {
        images = Files.createDirectories(tmp.resolve("images"));
        Files.createDirectories(images.resolve("img"));
        Files.write(images.resolve("img/a.png"), new byte[] {1});
        Files.write(tmp.resolve("outside.png"), new byte[] {1});
    }

    private LlavaDataset readLines(String... lines) throws IOException {
        Path file = tmp.resolve("data.jsonl");
        Files.write(file, List.of(lines));
        return new LlavaJsonReader(images).read(file);
    }

    /** One good line, then the bad one: the bad one is skipped with a message containing every part. */
    private void assertSkipped(String badLine, String... messageParts) throws IOException {
        LlavaDataset d = readLines(GOOD, badLine);
        assertEquals(1, d.size(), badLine);
        assertEquals("ok", d.get(0).id());
        assertEquals(1, d.skipped(), badLine);
        String problem = d.problems().getFirst();
        assertTrue(problem.startsWith("data.jsonl line 2"), problem);
        for (String part : messageParts) {
            assertTrue(problem.contains(part), "'" + problem + "' lacks '" + part + "'");
        }
    }

    @Test
    void goodRecordsAreRead() throws IOException {
        LlavaDataset d = readLines(GOOD, "", """
                {"id": 7, "conversations": [{"from": "gpt", "value": "Hi"}, {"from": "human", "value": "Q"}, \
                {"from": "gpt", "value": "A"}]}""");
        assertEquals(2, d.size());
        assertEquals(0, d.skipped());
        assertEquals(new LlavaRecord("ok", "img/a.png", List.of(new LlavaRecord.Message("human", "<image>\nQ"),
                new LlavaRecord.Message("gpt", "A"))), d.get(0));
        assertEquals("7", d.get(1).id());
        assertEquals(null, d.get(1).image());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> d.get(2));
        assertTrue(e.getMessage().contains("record index 2"));
    }

    @Test
    void malformedJsonLine() throws IOException {
        assertSkipped("{\"id\": \"broken\", \"conversations\": [", "malformed JSON");
    }

    @Test
    void missingOrEmptyConversations() throws IOException {
        assertSkipped("{\"id\": \"none\"}", "(id 'none')", "missing conversations");
        assertSkipped("{\"id\": \"empty\", \"conversations\": []}", "conversations is empty");
        assertSkipped("{\"id\": \"str\", \"conversations\": \"hello\"}", "conversations must be a list");
        assertSkipped("{\"id\": \"nov\", \"conversations\": [{\"from\": \"human\"}]}", "needs string 'from' and 'value'");
        assertSkipped("{\"conversations\": [{\"from\": \"human\", \"value\": \"Q\"}, {\"from\": \"gpt\", \"value\": \"A\"}]}",
                "missing id");
        assertSkipped("[1, 2]", "not a JSON object");
    }

    @Test
    void roleAndAlternationErrors() throws IOException {
        assertSkipped("{\"id\": \"odd\", \"conversations\": [{\"from\": \"human\", \"value\": \"Q\"}]}",
                "odd number of turns (1)");
        assertSkipped("""
                {"id": "hh", "conversations": [{"from": "human", "value": "Q"}, {"from": "human", "value": "Q2"}]}""",
                "turns do not alternate", "conversations[1] is from 'human'");
        assertSkipped("""
                {"id": "sys", "conversations": [{"from": "system", "value": "S"}, {"from": "gpt", "value": "A"}]}""",
                "from='system'");
        assertSkipped("{\"id\": \"g\", \"conversations\": [{\"from\": \"gpt\", \"value\": \"A\"}]}", "no human turn");
        assertSkipped("""
                {"id": "g3", "conversations": [{"from": "gpt", "value": "A"}, {"from": "human", "value": "Q"}, \
                {"from": "gpt", "value": "A"}, {"from": "human", "value": "Q"}]}""",
                "odd number of turns (3 after the leading gpt message)");
    }

    @Test
    void imagePathsThatEscapeTheFolderOrDoNotExist() throws IOException {
        String conv = ", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>\\nQ\"}, "
                + "{\"from\": \"gpt\", \"value\": \"A\"}]}";
        assertSkipped("{\"id\": \"up\", \"image\": \"../outside.png\"" + conv, "escapes the image folder");
        assertSkipped("{\"id\": \"mid\", \"image\": \"img/../../outside.png\"" + conv, "escapes the image folder");
        assertSkipped("{\"id\": \"abs\", \"image\": \"" + tmp.resolve("outside.png") + "\"" + conv, "is absolute");
        assertSkipped("{\"id\": \"gone\", \"image\": \"img/missing.png\"" + conv, "image file not found",
                "missing.png");
        assertSkipped("{\"id\": \"num\", \"image\": 5" + conv, "image must be a non-empty relative path");
        assertSkipped("""
                {"id": "two", "image": "img/a.png", "conversations": [{"from": "human", "value": "<image>\\nQ"}, \
                {"from": "gpt", "value": "A"}, {"from": "human", "value": "<image> again"}, \
                {"from": "gpt", "value": "B"}]}""", "appears in 2 messages");
    }

    @Test
    void withoutAnImageFolderOnlyThePathShapeIsChecked() throws IOException {
        Path file = tmp.resolve("d.jsonl");
        Files.writeString(file, GOOD.replace("img/a.png", "img/not-there.png") + "\n"
                + GOOD.replace("img/a.png", "../x.png") + "\n");
        LlavaDataset d = new LlavaJsonReader(null).read(file);
        assertEquals(1, d.size());
        assertEquals(1, d.skipped());
    }

    @Test
    void jsonArrayWithBadRecordsIsReadAndCounted() throws IOException {
        Path file = tmp.resolve("data.json");
        Files.writeString(file, "[" + GOOD + ", {\"id\": \"bad\"}, 3, " + GOOD.replace("\"ok\"", "\"ok2\"") + "]");
        LlavaDataset d = new LlavaJsonReader(images).read(file);
        assertEquals(List.of("ok", "ok2"), d.records().stream().map(LlavaRecord::id).toList());
        assertEquals(2, d.skipped());
        assertEquals(List.of("data.json record #1 (id 'bad'): missing conversations",
                "data.json record #2: not a JSON object"), d.problems());
    }

    @Test
    void brokenJsonArrayFailsWithTheLocation() throws IOException {
        Path file = tmp.resolve("broken.json");
        Files.writeString(file, "[" + GOOD + ",\n {\"id\": }]");
        LlavaDataFormatException e = assertThrows(LlavaDataFormatException.class,
                () -> new LlavaJsonReader(images).read(file));
        assertTrue(e.getMessage().contains("broken.json") && e.getMessage().contains("line 2"), e.getMessage());

        Path object = tmp.resolve("object.json");
        Files.writeString(object, GOOD);
        e = assertThrows(LlavaDataFormatException.class, () -> new LlavaJsonReader(images).read(object));
        assertTrue(e.getMessage().contains("expected a JSON array"), e.getMessage());

        Path truncated = tmp.resolve("truncated.json");
        Files.writeString(truncated, "[" + GOOD);
        assertThrows(LlavaDataFormatException.class, () -> new LlavaJsonReader(images).read(truncated));

        assertThrows(LlavaDataFormatException.class, () -> new LlavaJsonReader(images).read(tmp.resolve("no.json")));
    }

    @Test
    void onlyTheFirstProblemsAreKeptButAllAreCounted() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add("{\"id\": \"bad" + i + "\"}");
        }
        lines.add(GOOD);
        LlavaDataset d = readLines(lines.toArray(String[]::new));
        assertEquals(1, d.size());
        assertEquals(25, d.skipped());
        assertEquals(LlavaDataset.MAX_PROBLEMS_KEPT, d.problems().size());
        assertTrue(d.problems().get(9).contains("bad9"));
    }
}
