package dev.llava4j.llava.eval.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.llava.eval.ConvertResult;
import dev.llava4j.llava.eval.Converters;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every converter's output must equal what LLaVA's converter wrote for the fixture. */
class ConvertersTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void vqav2UploadMatches() throws Exception {
        Path out = tmp.resolve("upload/vqav2.json");
        ConvertResult r = Converters.get("vqav2").convert(new EvalInputs(
                Fixtures.path("vqav2", "answers/llava_vqav2_mscoco_test-dev2015/llava-v1.5-13b/merge.jsonl"), null,
                Fixtures.path("vqav2", "llava_vqav2_mscoco_test2015.jsonl")), out);
        JsonNode e = Fixtures.expected("vqav2");
        assertEquals(e.get("upload_file"), MAPPER.readTree(out.toFile()));
        assertSummary(e.get("metrics"), r);
        String text = Files.readString(out);
        assertTrue(text.startsWith("[{\"question_id\": 330675000, \"answer\": \"yes\"}, {"), text); // json.dump layout
    }

    @Test
    void vizwizUploadMatches() throws Exception {
        Path out = tmp.resolve("vizwiz.json");
        ConvertResult r = Converters.get("vizwiz").convert(new EvalInputs(
                Fixtures.path("vizwiz", "answers/llava-v1.5-13b.jsonl"), null,
                Fixtures.path("vizwiz", "llava_test.jsonl")), out);
        JsonNode e = Fixtures.expected("vizwiz");
        assertEquals(e.get("upload_file"), MAPPER.readTree(out.toFile()));
        assertSummary(e.get("metrics"), r);
        assertTrue(Files.readString(out).contains("\"answer\": \"\\u00fcber\""), "ensure_ascii escapes");
    }

    @Test
    void vizwizQuestionWithoutAnswerIsAClearError() throws Exception {
        Path answers = tmp.resolve("a.jsonl");
        Files.write(answers, Files.readAllLines(Fixtures.path("vizwiz", "answers/llava-v1.5-13b.jsonl")).subList(0, 3));
        EvalInputException ex = assertThrows(EvalInputException.class, () -> Converters.get("vizwiz").convert(
                new EvalInputs(answers, Fixtures.path("vizwiz", "llava_test.jsonl"), null), tmp.resolve("o.json")));
        assertTrue(ex.getMessage().contains("have no answer"), ex.getMessage());
    }

    private static void assertSummary(JsonNode metrics, ConvertResult r) {
        assertEquals(metrics.get("total_results").intValue(), r.summary().get("total_results"));
        assertEquals(metrics.get("total_split").intValue(), r.summary().get("total_split"));
        assertEquals(metrics.get("error_line").intValue(), r.summary().get("error_line"));
    }

    @Test
    void mmvetFileMatchesIncludingIndent() throws Exception {
        Path out = tmp.resolve("mmvet.json");
        Converters.get("mmvet").convert(new EvalInputs(Fixtures.path("mmvet", "answers/llava-v1.5-13b.jsonl"), null, null), out);
        assertEquals(Fixtures.expected("mmvet").get("converted_file"), MAPPER.readTree(out.toFile()));
        String text = Files.readString(out);
        assertTrue(text.startsWith("{\n  \"v1_0\": \"x = 3\",\n  \"v1_1\": "), text);
        assertTrue(text.contains("\"caf\\u00e9 \\u2014 ok\""), text);
    }

    @Test
    void seedUploadMatches() throws Exception {
        Path out = tmp.resolve("seed.jsonl");
        Converters.get("seed_bench").convert(new EvalInputs(
                Fixtures.path("seed_bench", "answers/llava-v1.5-13b/merge.jsonl"),
                Fixtures.path("seed_bench", "SEED-Bench.json"), null), out);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(MAPPER.readTree(line));
        }
        assertEquals(MAPPER.valueToTree(lines), Fixtures.expected("seed_bench").get("upload_file"));
        assertEquals("{\"question_id\": \"157500\", \"prediction\": \"A\"}", Files.readAllLines(out).getFirst());
    }

    @Test
    void gqaPredictionsMatch() throws Exception {
        Path out = tmp.resolve("testdev_balanced_predictions.json");
        Converters.get("gqa").convert(new EvalInputs(Fixtures.path("gqa", "answers/llava-v1.5-13b.jsonl"), null, null), out);
        assertEquals(Fixtures.expected("gqa").get("predictions_file"), MAPPER.readTree(out.toFile()));
    }

    @ParameterizedTest
    @CsvSource({"mmbench,mmbench_dev_20230712", "mmbench_cn,mmbench_dev_cn_20231003"})
    void mmbenchXlsxHoldsTheOfficialUploadTable(String bench, String split) throws Exception {
        Path out = tmp.resolve(split + ".xlsx");
        Converters.get(bench).convert(new EvalInputs(Fixtures.path(bench, "answers/" + split + "/llava-v1.5-13b.jsonl"),
                Fixtures.path(bench, split + ".tsv"), null), out);
        JsonNode table = Fixtures.expected(bench).get("upload_table");
        List<List<Object>> rows = XlsxCells.read(out, table.get("columns").size());
        List<Object> header = new ArrayList<>();
        table.get("columns").forEach(c -> header.add(c.textValue()));
        assertEquals(header, rows.getFirst());
        assertEquals(table.get("rows").size(), rows.size() - 1);
        for (int r = 0; r < table.get("rows").size(); r++) {
            JsonNode want = table.get("rows").get(r);
            for (int c = 0; c < want.size(); c++) {
                JsonNode w = want.get(c);
                Object got = rows.get(r + 1).get(c);
                Object expected = w.isNull() ? null : w.isNumber() ? (Object) w.doubleValue() : w.textValue();
                assertEquals(expected, got, "row " + r + " column " + header.get(c));
            }
        }
    }
}
