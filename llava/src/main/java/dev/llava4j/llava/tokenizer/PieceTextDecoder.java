package dev.llava4j.llava.tokenizer;

import java.util.Arrays;

/**
 * sentencepiece's piece-to-text decoding as a small state machine, so batch decoding and streaming share
 * one implementation: control pieces vanish, the unknown piece becomes the unk surface, runs of byte
 * pieces are UTF-8 decoded (invalid bytes -> U+FFFD each), U+2581 becomes a space. The dummy prefix is
 * undone as sentencepiece does: while nothing has been output, the first piece's leading U+2581 is
 * dropped; once a piece has lost one (or any text was output), no further piece loses its U+2581.
 * Control and unknown pieces output nothing that counts, so the piece after them may still lose one.
 */
final class PieceTextDecoder {

    private final Vocabulary vocab;
    private final boolean stripLeadingSpace;
    private final boolean removeExtraWhitespaces;
    private final String unkSurface;
    private final StringBuilder ready = new StringBuilder();
    private byte[] pending = new byte[8];
    private int pendingLength;
    /** Whether any text has been output (sentencepiece tests text->empty()). */
    private boolean produced;
    /** sentencepiece's is_bos_ws: a leading U+2581 may still be consumed. */
    private boolean atStart = true;
    /** sentencepiece's bos_ws_seen: the previous piece consumed the leading U+2581. */
    private boolean consumedSpace;

    /**
     * @param stripLeadingSpace      whether a leading U+2581 is dropped at the start (sentencepiece does this
     *                               when add_dummy_prefix or remove_extra_whitespaces is set)
     * @param removeExtraWhitespaces the model's remove_extra_whitespaces: then every piece keeps losing its
     *                               leading U+2581 until some text is output
     */
    PieceTextDecoder(Vocabulary vocab, boolean stripLeadingSpace, boolean removeExtraWhitespaces,
                     String unkSurface) {
        this.vocab = vocab;
        this.stripLeadingSpace = stripLeadingSpace;
        this.removeExtraWhitespaces = removeExtraWhitespaces;
        this.unkSurface = unkSurface;
    }

    /** Appends a base-vocabulary id. */
    void appendId(int id) {
        int b = vocab.byteValue(id);
        if (b >= 0) {
            appendByte(b);
            return;
        }
        beginPiece();
        switch (vocab.type(id)) {
            case CONTROL -> consumedSpace = false;
            case UNKNOWN -> appendVerbatim(unkSurface);
            default -> appendPiece(vocab.piece(id));
        }
    }

    /**
     * Appends a piece given as a string, resolved like sentencepiece's PieceToId: a string that is no piece
     * is emitted verbatim (that is how HF's stripped first token, e.g. "" from a lone U+2581, is decoded).
     */
    void appendPieceString(String piece) {
        int id = vocab.id(piece);
        if (id >= 0) {
            appendId(id);
        } else {
            beginPiece();
            appendVerbatim(piece);
        }
    }

    /** Appends text that bypasses piece decoding (added tokens), like an unknown piece. */
    void appendLiteral(String text) {
        beginPiece();
        appendVerbatim(text);
    }

    /** Text completed since the last call; an incomplete UTF-8 sequence at the end stays held back. */
    String takeReady() {
        String s = ready.toString();
        ready.setLength(0);
        return s;
    }

    /** Flushes held-back bytes (an incomplete sequence becomes U+FFFD per byte) and returns the rest. */
    String finish() {
        flushBytes(true);
        return takeReady();
    }

    /** Every non-byte piece: pending bytes are output first, then the start-of-text state is updated. */
    private void beginPiece() {
        flushBytes(true);
        if (consumedSpace || produced) {
            atStart = false;
        }
    }

    private void appendPiece(String piece) {
        String p = piece;
        consumedSpace = false;
        if (atStart && stripLeadingSpace && p.startsWith(SpanNormalizer.SPACE_SYMBOL_STRING)) {
            p = p.substring(1);
            consumedSpace = !removeExtraWhitespaces;
        }
        appendText(p.replace(SpanNormalizer.SPACE_SYMBOL, ' '));
    }

    private void appendVerbatim(String text) {
        consumedSpace = false;
        appendText(text);
    }

    private void appendText(String text) {
        ready.append(text);
        produced |= !text.isEmpty();
    }

    private void appendByte(int b) {
        if (pendingLength == pending.length) {
            pending = Arrays.copyOf(pending, pendingLength * 2);
        }
        pending[pendingLength++] = (byte) b;
        flushBytes(false);
    }

    private void flushBytes(boolean endOfRun) {
        if (pendingLength == 0) {
            return;
        }
        int before = ready.length();
        int consumed = LenientUtf8.decode(pending, 0, pendingLength, endOfRun, ready);
        System.arraycopy(pending, consumed, pending, 0, pendingLength - consumed);
        pendingLength -= consumed;
        produced |= ready.length() > before;
    }
}
