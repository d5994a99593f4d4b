package dev.llava4j.llava.tokenizer;

/**
 * Decodes generated ids one at a time. For base-vocabulary and special ids the concatenation of everything
 * {@link #accept} and {@link #finish} return equals {@code tokenizer.decode(ids, true)}: special ids are
 * skipped, the first piece loses its leading space like in decode, and the bytes of a character split over
 * several byte pieces are held back until the character is complete (no U+FFFD for a character that is
 * still arriving). A non-special added token is emitted as its content (decode would also put spaces
 * around it). Not thread-safe; one instance per generated sequence.
 */
public final class StreamingDecoder {

    private final LlamaTokenizer tokenizer;
    private PieceTextDecoder pieces;
    private boolean first = true;

    StreamingDecoder(LlamaTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.pieces = tokenizer.newHfPieceDecoder();
    }

    /** Feeds one id; returns the text that became complete (possibly ""). */
    public String accept(int id) {
        String piece = tokenizer.piece(id); // validates the id
        if (tokenizer.isSpecial(id)) {
            return "";
        }
        if (tokenizer.isSeparatelyDecoded(id)) {
            // like decode: the token ends the current run and the next run starts afresh
            String text = pieces.finish() + piece;
            pieces = tokenizer.newHfPieceDecoder();
            first = true;
            return text;
        }
        tokenizer.appendOrdinary(pieces, id, first);
        first = false;
        return pieces.takeReady();
    }

    /** Ends the stream: bytes of an incomplete character are emitted as U+FFFD, one per byte. */
    public String finish() {
        return pieces.finish();
    }
}
