package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaVA's question jsonl (model_vqa_loader.py, model_vqa.py; also SEED's llava-seed-bench.jsonl): one object per
 * line with {@code question_id}, {@code image} (relative to the image folder), {@code text} and optional extras
 * such as {@code category}, which are not copied to the answer. LLaVA's files already end the text with the
 * benchmark's suffix, which is then used unchanged; a text without it gets it appended. The answer's prompt is
 * the text as asked (what LLaVA writes: the file's text). A line without {@code image} is asked without an image
 * (LLaVA's scripts would stop there).
 */
public final class JsonlQuestionSource implements QuestionSource {

    @Override
    public String format() {
        return "jsonl {question_id, image, text}";
    }

    @Override
    public List<EvalQuestion> read(Path questionFile, Path imageFolder, BenchmarkSpec spec) {
        List<EvalQuestion> out = new ArrayList<>();
        for (JsonLine line : Json.readStrictJsonLines(questionFile)) {
            JsonNode id = QuestionIds.require(line.json().get("question_id"), "question_id", line.where());
            String text = spec.withSuffix(line.text("text"));
            ImageSource image = null;
            if (line.has("image")) {
                JsonNode name = line.node("image");
                if (!name.isTextual() || name.textValue().isEmpty()) {
                    throw new EvalInputException(line.where() + ": field \"image\" must be a file name, found " + name);
                }
                image = QuestionSource.imageFile(imageFolder, name.textValue());
            }
            out.add(EvalQuestion.simple(id, text, image, text, line.where()));
        }
        return QuestionIds.requireUnique(out);
    }
}
