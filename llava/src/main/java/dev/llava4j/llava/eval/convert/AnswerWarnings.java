package dev.llava4j.llava.eval.convert;

import dev.llava4j.llava.eval.io.AnswerFile;

import java.util.List;

/** The warning about skipped answer lines, as a list for {@link dev.llava4j.llava.eval.ConvertResult}. */
final class AnswerWarnings {

    private AnswerWarnings() {
    }

    static List<String> of(AnswerFile answers) {
        return answers.malformedWarning() == null ? List.of() : List.of(answers.malformedWarning());
    }
}
