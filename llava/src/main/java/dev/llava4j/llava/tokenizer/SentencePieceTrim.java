package dev.llava4j.llava.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * Cuts a sentencepiece ModelProto down to its first pieces, for random checkpoints whose vocabulary is smaller than
 * LLaMA's 32000 (e.g. bench/bench-config.json's 4096): LLaMA's pieces are ordered control, byte fallback, then merges
 * by rank, so the first N still encode any text (rarer words in more pieces). Every other field is copied as it is.
 */
public final class SentencePieceTrim {
    /** ModelProto field 1: repeated SentencePiece pieces. */
    private static final int PIECES_FIELD = 1;

    private SentencePieceTrim() {
    }

    /** The model with only its first {@code count} pieces; the whole model when it has no more than that. */
    public static byte[] firstPieces(byte[] model, int count) {
        if (count < 259) {
            throw new IllegalArgumentException("a LLaMA tokenizer needs its 3 control and 256 byte pieces; asked to keep " + count);
        }
        ProtoReader r = new ProtoReader(model);
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length);
        int pieces = 0;
        while (r.hasMore()) {
            int start = r.position();
            int tag = r.readTag();
            r.skip(tag & 7);
            boolean piece = tag >>> 3 == PIECES_FIELD;
            if (!piece || pieces++ < count) {
                out.write(model, start, r.position() - start);
            }
        }
        return out.toByteArray();
    }
}
