package dev.llava4j.llava.train;

/** A record that cannot become a training sample (image missing or undecodable, conversation malformed). */
public final class BadRecordException extends Exception {

    public BadRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    public BadRecordException(String message) {
        super(message);
    }
}
