package dev.llava4j.llava.eval.convert;

import dev.llava4j.llava.eval.ConvertResult;
import dev.llava4j.llava.eval.Converter;
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
 * LLaVA's {@code convert_vqav2_for_submission.py}: {@code [{"question_id", "answer"}]} in the order of
 * the full test2015 question file, the answer normalized by the EvalAI processor, "" for questions
 * without an answer (test-dev answers cover only part of test2015). Scoring happens on EvalAI.
 */
public final class Vqav2Converter implements Converter {

    @Override
    public String name() {
        return "vqav2";
    }

    @Override
    public String inputsHelp() {
        return "--questions llava_vqav2_mscoco_test2015.jsonl; --out answers_upload/<split>/<ckpt>.json";
    }

    @Override
    public ConvertResult convert(EvalInputs inputs, Path out) {
        Path questionFile = inputs.requireQuestionsOrAnnotations(name(), "llava_vqav2_mscoco_test2015.jsonl");
        AnswerFile answers = AnswerFile.read(inputs.answers());
        Map<Object, String> byId = EvalAiUpload.answersById(answers);
        List<JsonLine> questions = Json.readStrictJsonLines(questionFile);
        List<Object> upload = new ArrayList<>(questions.size());
        for (JsonLine q : questions) {
            String text = byId.get(q.key("question_id"));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("question_id", Json.toPlain(q.node("question_id")));
            entry.put("answer", text == null ? "" : VqaNormalizer.normalize(text));
            upload.add(entry);
        }
        OutputFiles.writeText(out, PyJson.dumps(upload));
        return new ConvertResult(name(), out, EvalAiUpload.summary(byId.size(), questions.size(), answers.malformedCount()),
                AnswerWarnings.of(answers));
    }
}
