package dev.llava4j.llava.eval.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.ConvertResult;
import dev.llava4j.llava.eval.Converter;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.io.PyKey;
import dev.llava4j.llava.eval.py.PyJson;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The upload file of LLaVA's {@code convert_seed_for_submission.py}: one
 * {@code {"question_id": <annotation id>, "prediction": text}} line per SEED-Bench question, in
 * annotation order; the answer is looked up by the id string first, then by int(id). Every question
 * needs an answer (the official script fails otherwise). {@code eval score --benchmark seed_bench}
 * computes the accuracies the same script prints.
 */
public final class SeedBenchConverter implements Converter {

    @Override
    public String name() {
        return "seed_bench";
    }

    @Override
    public String inputsHelp() {
        return "--annotations SEED-Bench.json; --out answers_upload/<ckpt>.jsonl";
    }

    @Override
    public ConvertResult convert(EvalInputs inputs, Path out) {
        Path annotationFile = inputs.requireAnnotations(name(), "SEED-Bench.json");
        AnswerFile answers = AnswerFile.read(inputs.answers());
        Map<Object, String> byId = new HashMap<>();
        for (JsonLine line : answers.lines()) {
            byId.put(line.key("question_id"), line.text("text"));
        }
        JsonNode questions = Json.readObjectFile(annotationFile).get("questions");
        if (questions == null || !questions.isArray()) {
            throw new EvalInputException(annotationFile + ": expected {\"questions\": [...]}");
        }
        StringBuilder sb = new StringBuilder();
        List<String> missing = new ArrayList<>();
        for (JsonNode q : questions) {
            JsonNode idNode = q.get("question_id");
            if (idNode == null) {
                throw new EvalInputException(annotationFile + ": a question has no question_id");
            }
            String text = byId.get(PyKey.of(idNode));
            if (text == null && idNode.isTextual()) {
                text = byId.get(PyKey.intOrString(idNode.textValue()));
            }
            if (text == null) {
                missing.add(idNode.asText());
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("question_id", Json.toPlain(idNode));
            entry.put("prediction", text);
            sb.append(PyJson.dumps(entry)).append('\n');
        }
        if (!missing.isEmpty()) {
            throw new EvalInputException("seed_bench: " + missing.size() + " question(s) have no answer in "
                    + inputs.answers() + " (first: " + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + ")");
        }
        OutputFiles.writeText(out, sb.toString());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("questions", questions.size());
        return new ConvertResult(name(), out, summary, AnswerWarnings.of(answers));
    }
}
