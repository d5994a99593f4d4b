package dev.llava4j.llava.eval.convert;

import dev.llava4j.llava.eval.ConvertResult;
import dev.llava4j.llava.eval.Converter;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.VqaNormalizer;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.py.PyJson;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LLaVA's {@code convert_vizwiz_for_submission.py}: {@code [{"image", "answer"}]} in question-file
 * order, the answer normalized by the EvalAI processor. Every question needs an answer (the official
 * script asserts it). Scoring happens on EvalAI.
 */
public final class VizWizConverter implements Converter {

    @Override
    public String name() {
        return "vizwiz";
    }

    @Override
    public String inputsHelp() {
        return "--questions llava_test.jsonl; --out answers_upload/<ckpt>.json";
    }

    @Override
    public ConvertResult convert(EvalInputs inputs, Path out) {
        Path questionFile = inputs.requireQuestionsOrAnnotations(name(), "llava_test.jsonl");
        AnswerFile answers = AnswerFile.read(inputs.answers());
        Map<Object, String> byId = EvalAiUpload.answersById(answers);
        List<JsonLine> questions = Json.readStrictJsonLines(questionFile);
        List<Object> upload = new ArrayList<>(questions.size());
        List<String> missing = new ArrayList<>();
        for (JsonLine q : questions) {
            String text = byId.get(q.key("question_id"));
            if (text == null) {
                missing.add(String.valueOf(q.key("question_id")));
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("image", Json.toPlain(q.node("image")));
            entry.put("answer", VqaNormalizer.normalize(text));
            upload.add(entry);
        }
        if (!missing.isEmpty()) {
            throw new EvalInputException("vizwiz: " + missing.size() + " question(s) of " + questionFile
                    + " have no answer in " + inputs.answers() + " (first: "
                    + String.join(", ", missing.subList(0, Math.min(5, missing.size()))) + ")");
        }
        OutputFiles.writeText(out, PyJson.dumps(upload));
        return new ConvertResult(name(), out, EvalAiUpload.summary(byId.size(), questions.size(), answers.malformedCount()),
                AnswerWarnings.of(answers));
    }
}
