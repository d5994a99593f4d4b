package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.io.AnswerFile;
import dev.llava4j.llava.eval.io.JsonLine;
import dev.llava4j.llava.eval.py.PyStrings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LLaVA's {@code convert_answer_to_mme.py}: turns answer lines into MME's per-task result lines
 * {@code image.txt<TAB>question<TAB>GT<TAB>raw prediction}, in answer-file order. The prompt becomes
 * MME's question: the short-answer suffix is removed and the text stripped, then " Please answer yes
 * or no." is appended if absent (or the two-space variant, when only that one is in the ground truth).
 */
public final class MmeConversion {

    static final String SHORT_ANSWER = "Answer the question using a single word or phrase.";
    static final String YES_NO = "Please answer yes or no.";

    /** One line of a task's result file. */
    public record ResultLine(String imageFile, String question, String groundTruth, String prediction) {

        /** The line as the converter writes it. */
        public String text() {
            return imageFile + "\t" + question + "\t" + groundTruth + "\t" + prediction + "\n";
        }
    }

    private MmeConversion() {
    }

    /** Task → result lines, tasks in order of first appearance. */
    public static Map<String, List<ResultLine>> convert(AnswerFile answers, MmeGroundTruth gt) {
        Map<String, List<ResultLine>> byTask = new LinkedHashMap<>();
        for (JsonLine line : answers.lines()) {
            String id = line.text("question_id");
            String[] parts = id.split("/", -1);
            String task = parts[0];
            String last = parts[parts.length - 1];
            int dot = last.indexOf('.');
            String file = (dot >= 0 ? last.substring(0, dot) : last) + ".txt";
            String question = question(task, file, line.text("prompt"), gt);
            String answer = gt.answer(task, file, question);
            if (answer == null) {
                throw new EvalInputException(line.where() + ": no MME ground truth for task " + task + ", file " + file
                        + ", question \"" + question + "\"");
            }
            byTask.computeIfAbsent(task, k -> new ArrayList<>())
                    .add(new ResultLine(file, question, answer, line.text("text")));
        }
        return byTask;
    }

    static String question(String task, String file, String prompt, MmeGroundTruth gt) {
        String q = prompt;
        if (q.contains(SHORT_ANSWER)) {
            q = PyStrings.strip(q.replace(SHORT_ANSWER, ""));
        }
        if (!q.contains(YES_NO)) {
            q = q + " " + YES_NO;
            if (!gt.contains(task, file, q)) {
                q = q.replace(" " + YES_NO, "  " + YES_NO);
            }
        }
        return q;
    }

    /** A task file's full text, as the converter writes it. */
    public static String fileText(List<ResultLine> lines) {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.text()));
        return sb.toString();
    }
}
