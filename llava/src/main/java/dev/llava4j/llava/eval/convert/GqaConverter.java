package dev.llava4j.llava.eval.convert;

import dev.llava4j.llava.eval.ConvertResult;
import dev.llava4j.llava.eval.Converter;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.py.PyJson;
import dev.llava4j.llava.eval.score.GqaScorer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LLaVA's {@code convert_gqa_for_eval.py}: {@code [{"questionId", "prediction"}]} in answer order,
 * prediction = {@code text.rstrip('.').lower()} — the file the official GQA eval.py reads
 * ({@code testdev_balanced_predictions.json}). {@code eval score --benchmark gqa} does both steps.
 */
public final class GqaConverter implements Converter {

    @Override
    public String name() {
        return "gqa";
    }

    @Override
    public String inputsHelp() {
        return "no annotations; --out testdev_balanced_predictions.json";
    }

    @Override
    public ConvertResult convert(EvalInputs inputs, Path out) {
        AnswerFile answers = AnswerFile.read(inputs.answers());
        List<JsonLine> lines = answers.lines();
        List<Object> predictions = new ArrayList<>(lines.size());
        for (JsonLine line : lines) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("questionId", Json.toPlain(line.node("question_id")));
            entry.put("prediction", GqaScorer.prediction(line.text("text")));
            predictions.add(entry);
        }
        OutputFiles.writeText(out, PyJson.dumps(predictions));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("predictions", predictions.size());
        return new ConvertResult(name(), out, summary, AnswerWarnings.of(answers));
    }
}
