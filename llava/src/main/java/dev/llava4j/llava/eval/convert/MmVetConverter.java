package dev.llava4j.llava.eval.convert;

import dev.llava4j.llava.eval.ConvertResult;
import dev.llava4j.llava.eval.Converter;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.io.PyKey;
import dev.llava4j.llava.eval.py.PyJson;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LLaVA's {@code convert_mmvet_for_eval.py}: {@code {"v1_<question_id>": text}} written with
 * {@code json.dump(indent=2)}. Grading is external: the MM-Vet authors' GPT-4 grader takes this file.
 */
public final class MmVetConverter implements Converter {

    @Override
    public String name() {
        return "mmvet";
    }

    @Override
    public String inputsHelp() {
        return "no annotations; --out results/<ckpt>.json (then grade it with the MM-Vet GPT-4 grader)";
    }

    @Override
    public ConvertResult convert(EvalInputs inputs, Path out) {
        AnswerFile answers = AnswerFile.read(inputs.answers());
        List<JsonLine> lines = answers.lines();
        if (lines.isEmpty()) {
            throw new EvalInputException(inputs.answers() + ": no answers");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (JsonLine line : lines) {
            result.put("v1_" + PyKey.str(line.node("question_id")), line.text("text"));
        }
        OutputFiles.writeText(out, PyJson.dumps(result, 2));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("answers", result.size());
        return new ConvertResult(name(), out, summary, AnswerWarnings.of(answers));
    }
}
