package dev.llava4j.llava.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The base (model) vocabulary: piece strings, scores and types by id, and the reverse lookup. */
final class Vocabulary {

    private final String[] pieces;
    private final float[] scores;
    private final PieceType[] types;
    private final Map<String, Integer> ids;
    /** byteIds[b] = id of the piece {@code <0xXX>} for byte b, or -1. */
    private final int[] byteIds = new int[256];
    /** byteValues[id] = byte value of a BYTE piece, or -1. */
    private final int[] byteValues;
    private final int maxPieceChars;
    private final int maxUserDefinedChars;

    /**
     * @param source the file name, for error messages
     * @throws TokenizerFormatException on duplicate pieces or malformed byte pieces
     */
    Vocabulary(String source, String[] pieces, float[] scores, PieceType[] types) throws TokenizerFormatException {
        this.pieces = pieces.clone();
        this.scores = scores.clone();
        this.types = types.clone();
        this.ids = HashMap.newHashMap(pieces.length);
        this.byteValues = new int[pieces.length];
        Arrays.fill(byteIds, -1);
        Arrays.fill(byteValues, -1);
        int maxChars = 0;
        int maxUser = 0;
        for (int id = 0; id < pieces.length; id++) {
            String piece = pieces[id];
            Integer previous = ids.putIfAbsent(piece, id);
            if (previous != null) {
                throw new TokenizerFormatException(source + ": piece '" + piece + "' appears twice (ids " + previous
                        + " and " + id + ")");
            }
            if (types[id] == PieceType.BYTE) {
                int b = parseBytePiece(piece);
                if (b < 0) {
                    throw new TokenizerFormatException(source + ": byte piece " + id + " is '" + piece
                            + "', expected <0xHH>");
                }
                byteIds[b] = id;
                byteValues[id] = b;
            }
            if (types[id].mergeable()) {
                maxChars = Math.max(maxChars, piece.length());
            }
            if (types[id] == PieceType.USER_DEFINED) {
                maxUser = Math.max(maxUser, piece.length());
            }
        }
        this.maxPieceChars = maxChars;
        this.maxUserDefinedChars = maxUser;
    }

    /** Parses {@code <0xHH>} to the byte value, or returns -1. */
    static int parseBytePiece(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    int size() {
        return pieces.length;
    }

    String piece(int id) {
        return pieces[id];
    }

    float score(int id) {
        return scores[id];
    }

    PieceType type(int id) {
        return types[id];
    }

    /** Id of the piece, or -1. */
    int id(String piece) {
        Integer id = ids.get(piece);
        return id == null ? -1 : id;
    }

    /** Id of a piece that BPE merging may produce, or -1. */
    int mergeableId(String piece) {
        Integer id = ids.get(piece);
        return id != null && types[id].mergeable() ? id : -1;
    }

    /** Id of the byte piece for byte value b (0..255), or -1 when the vocabulary has none. */
    int byteId(int b) {
        return byteIds[b];
    }

    /** Byte value of a BYTE piece id, or -1 for any other id. */
    int byteValue(int id) {
        return id >= 0 && id < byteValues.length ? byteValues[id] : -1;
    }

    boolean hasUserDefined() {
        return maxUserDefinedChars > 0;
    }

    int maxUserDefinedChars() {
        return maxUserDefinedChars;
    }

    /** Length in UTF-16 chars of the longest mergeable piece; longer candidates need no lookup. */
    int maxPieceChars() {
        return maxPieceChars;
    }
}
