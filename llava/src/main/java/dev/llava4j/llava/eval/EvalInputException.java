package dev.llava4j.llava.eval;

/**
 * Bad evaluation input: a missing file, a malformed annotation, a prediction that the official
 * pipeline cannot handle. The message names the file, line, field or value at fault.
 */
public final class EvalInputException extends RuntimeException {

    public EvalInputException(String message) {
        super(message);
    }

    public EvalInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
