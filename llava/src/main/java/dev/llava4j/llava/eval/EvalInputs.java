package dev.llava4j.llava.eval;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a scorer or converter reads: the model's answers, the benchmark's annotations (a file or
 * a folder, per benchmark) and, for some benchmarks, the question file.
 */
public record EvalInputs(Path answers, Path annotations, Path questions) {

    public EvalInputs {
        if (answers == null) {
            throw new EvalInputException("--answers is required");
        }
    }

    /** The annotations path, which this benchmark needs; {@code what} says what it must be. */
    public Path requireAnnotations(String benchmark, String what) {
        return require(annotations, "--annotations", benchmark, what);
    }

    /** The question file, which this benchmark needs; {@code what} says what it must be. */
    public Path requireQuestions(String benchmark, String what) {
        return require(questions, "--questions", benchmark, what);
    }

    /** The question file, or else the annotations path (the official converters call it either way). */
    public Path requireQuestionsOrAnnotations(String benchmark, String what) {
        return require(questions != null ? questions : annotations, "--questions", benchmark, what);
    }

    private static Path require(Path p, String option, String benchmark, String what) {
        if (p == null) {
            throw new EvalInputException(benchmark + " needs " + option + " = " + what);
        }
        if (!Files.exists(p)) {
            throw new EvalInputException(option + " " + p + " does not exist (" + benchmark + " needs " + what + ")");
        }
        return p;
    }
}
