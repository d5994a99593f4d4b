package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.io.PyKey;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an existing answer file already holds, so that a rerun skips those question ids. Before reading, an
 * unfinished last line (no line break: the run was killed while writing it) is cut off, or given its line break
 * when it is a complete JSON object, so that new lines never glue onto it.
 */
public final class ResumeState {

    private final Set<Object> answeredKeys;
    private final List<String> warnings;

    private ResumeState(Set<Object> answeredKeys, List<String> warnings) {
        this.answeredKeys = answeredKeys;
        this.warnings = warnings;
    }

    /** Nothing answered yet. */
    public static ResumeState empty() {
        return new ResumeState(Set.of(), List.of());
    }

    /**
     * Reads {@code answers} (absent: nothing answered), repairing its last line first.
     *
     * @param modelId the id of the model now running; answers written by another model id draw a warning
     */
    public static ResumeState prepare(Path answers, String modelId) {
        if (!Files.exists(answers)) {
            return empty();
        }
        List<String> warnings = new ArrayList<>();
        repairLastLine(answers, warnings);
        AnswerFile file = AnswerFile.read(answers);
        if (file.malformedWarning() != null) {
            warnings.add(file.malformedWarning() + "; their questions will be asked again");
        }
        Set<Object> keys = new HashSet<>();
        int withoutId = 0;
        int otherModel = 0;
        String otherModelName = null;
        for (JsonLine line : file.lines()) {
            JsonNode id = line.json().get("question_id");
            if (id == null || !(id.isTextual() || id.isNumber())) {
                withoutId++;
                continue;
            }
            keys.add(PyKey.of(id));
            JsonNode model = line.json().get("model_id");
            if (modelId != null && model != null && !modelId.equals(model.asText())) {
                otherModel++;
                otherModelName = model.asText();
            }
        }
        if (withoutId > 0) {
            warnings.add(answers + ": " + withoutId + " line(s) without a usable question_id were ignored");
        }
        if (otherModel > 0) {
            warnings.add(answers + ": " + otherModel + " existing answer(s) come from model \"" + otherModelName
                    + "\", not \"" + modelId + "\"; they are kept and their questions skipped");
        }
        return new ResumeState(Set.copyOf(keys), List.copyOf(warnings));
    }

    public boolean isAnswered(EvalQuestion question) {
        return answeredKeys.contains(question.key());
    }

    /** Distinct question ids found in the file. */
    public int answeredCount() {
        return answeredKeys.size();
    }

    public List<String> warnings() {
        return warnings;
    }

    private static void repairLastLine(Path answers, List<String> warnings) {
        try (FileChannel ch = FileChannel.open(answers, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            byte[] bytes = Files.readAllBytes(answers);
            if (bytes[bytes.length - 1] == '\n') {
                return;
            }
            int start = bytes.length - 1;
            while (start >= 0 && bytes[start] != '\n') {
                start--;
            }
            start++;
            String tail = new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
            if (isJsonObject(tail)) {
                ch.position(size);
                ch.write(java.nio.ByteBuffer.wrap(new byte[]{'\n'}));
                warnings.add(answers + ": added the missing line break after the last answer");
            } else {
                ch.truncate(start);
                warnings.add(answers + ": removed an unfinished last line (" + (bytes.length - start)
                        + " bytes), probably from an interrupted run");
            }
        } catch (IOException e) {
            throw new EvalInputException("cannot repair " + answers + ": " + e.getMessage(), e);
        }
    }

    private static boolean isJsonObject(String text) {
        try {
            return Json.MAPPER.readTree(text).isObject();
        } catch (IOException e) {
            return false;
        }
    }
}
