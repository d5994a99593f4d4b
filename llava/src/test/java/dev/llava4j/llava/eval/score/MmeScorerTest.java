package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.Fixtures;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.py.PyFormat;
import dev.llava4j.llava.eval.score.MmeAnswerParser.Label;
import dev.llava4j.llava.eval.score.MmeConversion.ResultLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MME case must match convert_answer_to_mme.py + calculation.py exactly. */
class MmeScorerTest {

    private static final Path ROOT = Fixtures.path("mme", "MME_Benchmark_release_version");
    private static final Path ANSWERS = Fixtures.path("mme", "answers/llava-v1.5-13b.jsonl");

    @Test
    @SuppressWarnings("unchecked")
    void scoresMatchOfficialExactly() {
        ScoreResult r = new MmeScorer().score(new EvalInputs(ANSWERS, ROOT, null));
        JsonNode e = Fixtures.expected("mme").get("metrics");
        assertEquals(e.get("Perception").get("total_score").doubleValue(), (double) r.metrics().get("perception"));
        assertEquals(e.get("Cognition").get("total_score").doubleValue(), (double) r.metrics().get("cognition"));
        assertEquals(e.get("Perception").get("total_score_printed").textValue(),
                PyFormat.repr((double) r.metrics().get("perception")));
        Map<String, Object> tasks = (Map<String, Object>) r.metrics().get("tasks");
        assertEquals(MmeScorer.allTasks(), List.copyOf(tasks.keySet()));
        for (String section : List.of("Perception", "Cognition")) {
            e.get(section).get("tasks").properties().forEach(t ->
                    assertEquals(t.getValue().doubleValue(), (double) tasks.get(t.getKey()), t.getKey()));
        }
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    }

    @Test
    void perTaskAccuraciesMatch() {
        Map<String, List<ResultLine>> byTask = MmeConversion.convert(AnswerFile.read(ANSWERS), MmeGroundTruth.read(ROOT));
        Fixtures.expected("mme").get("per_task").properties().forEach(t -> {
            MmeScorer.TaskScore s = MmeScorer.scoreTask(t.getKey(), byTask.get(t.getKey()));
            assertEquals(t.getValue().get("acc").doubleValue(), s.acc(), t.getKey());
            assertEquals(t.getValue().get("acc_plus").doubleValue(), s.accPlus(), t.getKey());
            assertEquals(t.getValue().get("images").intValue(), s.images(), t.getKey());
            assertEquals(t.getValue().get("other_num").intValue(), s.other(), t.getKey());
        });
    }

    @Test
    void convertedFilesMatchTheOfficialConverterByteForByte() {
        Map<String, List<ResultLine>> byTask = MmeConversion.convert(AnswerFile.read(ANSWERS), MmeGroundTruth.read(ROOT));
        JsonNode files = Fixtures.expected("mme").get("converted_files");
        assertEquals(files.size(), byTask.size());
        files.properties().forEach(f ->
                assertEquals(f.getValue().textValue(), MmeConversion.fileText(byTask.get(f.getKey())), f.getKey()));
    }

    @Test
    void everyPredictionParsesAsCalculationPyDoes() {
        for (JsonNode item : Fixtures.expected("mme").get("per_item")) {
            Label label = MmeAnswerParser.parseRaw(item.get("pred_raw").textValue());
            assertEquals(item.get("parsed").textValue(), label.name().toLowerCase(), item.get("pred_raw").toString());
        }
    }

    @Test
    void parserLooksAtTheFirstFourCharactersWithTheLineEnd() {
        assertEquals(Label.NO, MmeAnswerParser.parseRaw("Snow"));
        assertEquals(Label.NO, MmeAnswerParser.parseRaw("know"));
        assertEquals(Label.NO, MmeAnswerParser.parseRaw("Noyes"));
        assertEquals(Label.YES, MmeAnswerParser.parseRaw("Yesterday"));
        assertEquals(Label.YES, MmeAnswerParser.parseRaw("yes"));
        assertEquals(Label.NO, MmeAnswerParser.parseRaw(" no"));
        assertEquals(Label.OTHER, MmeAnswerParser.parseRaw("  yes"));
        assertEquals(Label.YES, MmeAnswerParser.parseRaw(" yes"));   // the 4th character still counts
        assertEquals(Label.NO, MmeAnswerParser.parseRaw("xxno"));
        assertEquals(Label.OTHER, MmeAnswerParser.parseRaw("xxxno"));
        assertEquals(Label.OTHER, MmeAnswerParser.parseRaw("Yeah"));
        assertEquals(Label.OTHER, MmeAnswerParser.parseRaw(""));
        // the exact branch only fires for a field without its '\n'
        assertEquals(Label.YES, MmeAnswerParser.parseLine("yes"));
    }

    @Test
    void questionFallsBackToTheTwoSpaceVariant() {
        MmeGroundTruth gt = MmeGroundTruth.read(ROOT);
        assertEquals("Is there a blue fire hydrant in the image?  Please answer yes or no.",
                MmeConversion.question("color", "000000522877.txt",
                        "Is there a blue fire hydrant in the image?\nAnswer the question using a single word or phrase.", gt));
        assertEquals("Is there a red fire hydrant in the image? Please answer yes or no.",
                MmeConversion.question("color", "000000522877.txt",
                        "Is there a red fire hydrant in the image?\nAnswer the question using a single word or phrase.", gt));
    }

    @Test
    void missingTaskIsAClearError(@TempDir Path tmp) throws Exception {
        Path answers = tmp.resolve("a.jsonl");
        Files.write(answers, Files.readAllLines(ANSWERS).stream().filter(l -> !l.contains("\"OCR/")).toList());
        EvalInputException e = assertThrows(EvalInputException.class,
                () -> new MmeScorer().score(new EvalInputs(answers, ROOT, null)));
        assertTrue(e.getMessage().contains("OCR"), e.getMessage());
    }

    @Test
    void oddNumberOfAnswersInATaskIsAClearError() {
        ResultLine line = new ResultLine("x.txt", "q", "Yes", "Yes");
        assertThrows(EvalInputException.class, () -> MmeScorer.scoreTask("count", List.of(line)));
    }
}
