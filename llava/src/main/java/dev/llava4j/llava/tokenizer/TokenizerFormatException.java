package dev.llava4j.llava.tokenizer;

import java.io.IOException;

/** A tokenizer file (tokenizer.model, tokenizer.json or a config json) is corrupt or unsupported. */
public final class TokenizerFormatException extends IOException {

    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
