package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.py.PyStrings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ScienceQA as model_vqa_science.py with {@code --single-pred-prompt} reads LLaVA's {@code llava_test_CQM-A.json}:
 * a JSON array of {@code {id, image?, conversations: [{from: human, value}, ...]}}. The question is the first
 * conversation value with every {@code <image>} removed and Python-stripped; the multiple-choice suffix follows
 * on a new line (unless the value already ends with it). Items without {@code image} are asked without one.
 * The answer's prompt is {@code "<image>\n"} (image items only) + question + suffix: the ScienceQA scorer
 * counts an item as multimodal by that {@code <image>}.
 */
public final class ScienceQaQuestionSource implements QuestionSource {

    @Override
    public String format() {
        return "ScienceQA json array {id, image?, conversations}";
    }

    @Override
    public List<EvalQuestion> read(Path questionFile, Path imageFolder, BenchmarkSpec spec) {
        JsonNode root = Json.readFile(questionFile);
        if (!root.isArray()) {
            throw new EvalInputException(questionFile + ": expected a JSON array of ScienceQA items, found "
                    + root.getNodeType());
        }
        List<EvalQuestion> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            out.add(item(root.get(i), questionFile + " item " + i, imageFolder, spec));
        }
        return QuestionIds.requireUnique(out);
    }

    private static EvalQuestion item(JsonNode item, String where, Path imageFolder, BenchmarkSpec spec) {
        if (!item.isObject()) {
            throw new EvalInputException(where + ": expected an object, found " + item.getNodeType());
        }
        JsonNode id = QuestionIds.require(item.get("id"), "id", where);
        JsonNode conversations = item.get("conversations");
        if (conversations == null || !conversations.isArray() || conversations.isEmpty()) {
            throw new EvalInputException(where + ": \"conversations\" must be a non-empty array");
        }
        JsonNode value = conversations.get(0).get("value");
        if (value == null || !value.isTextual()) {
            throw new EvalInputException(where + ": conversations[0] needs a string \"value\"");
        }
        String question = spec.withSuffix(PyStrings.strip(value.textValue().replace(LlavaPreprocessor.IMAGE_TOKEN, "")));
        ImageSource image = null;
        String prompt = question;
        if (item.has("image")) {
            JsonNode name = item.get("image");
            if (!name.isTextual() || name.textValue().isEmpty()) {
                throw new EvalInputException(where + ": field \"image\" must be a file name, found " + name);
            }
            image = QuestionSource.imageFile(imageFolder, name.textValue());
            prompt = LlavaPreprocessor.IMAGE_TOKEN + "\n" + question;
        }
        return EvalQuestion.simple(id, question, image, prompt, where);
    }
}
