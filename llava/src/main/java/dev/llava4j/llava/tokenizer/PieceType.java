package dev.llava4j.llava.tokenizer;

/** sentencepiece ModelProto.SentencePiece.Type (proto enum values 1..6). */
public enum PieceType {
    NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    private final int code;

    PieceType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a proto enum value, or null when the value is not a known type. */
    static PieceType fromCode(int code) {
        for (PieceType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** Piece types that BPE merging may produce (sentencepiece keeps these in its merge table). */
    boolean mergeable() {
        return this == NORMAL || this == USER_DEFINED || this == UNUSED;
    }
}
