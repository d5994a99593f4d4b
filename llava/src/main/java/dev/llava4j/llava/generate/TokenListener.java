package dev.llava4j.llava.generate;

/** Receives generated tokens as they arrive (streaming). textDelta is the newly completed text (may be empty). */
@FunctionalInterface
public interface TokenListener {
    void onToken(int sequence, int id, String textDelta);

    TokenListener NONE = (s, id, t) -> { };
}
