package dev.llava4j.llava.data;

import java.io.IOException;

/** A LLaVA data file cannot be read at all (not JSON, not an array of records, ...). */
public final class LlavaDataFormatException extends IOException {

    public LlavaDataFormatException(String message) {
        super(message);
    }

    public LlavaDataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
