package dev.llava4j.llava.tokenizer;

import dev.llava4j.llava.tokenizer.ProtoReader.MalformedProtoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a sentencepiece {@code tokenizer.model} (serialized {@code sentencepiece.ModelProto}, proto2).
 * Only BPE models are accepted; the normalizer must be the identity (no precompiled charsmap),
 * which is what LLaMA / Vicuna / LLaVA use.
 */
final class SentencePieceModelReader {

    // ModelProto fields
    private static final int MODEL_PIECES = 1;
    private static final int MODEL_TRAINER_SPEC = 2;
    private static final int MODEL_NORMALIZER_SPEC = 3;
    // SentencePiece fields
    private static final int PIECE_PIECE = 1;
    private static final int PIECE_SCORE = 2;
    private static final int PIECE_TYPE = 3;
    // TrainerSpec fields
    private static final int TRAINER_MODEL_TYPE = 3;
    private static final int TRAINER_TREAT_WHITESPACE_AS_SUFFIX = 24;
    private static final int TRAINER_BYTE_FALLBACK = 35;
    private static final int TRAINER_UNK_ID = 40;
    private static final int TRAINER_BOS_ID = 41;
    private static final int TRAINER_EOS_ID = 42;
    private static final int TRAINER_PAD_ID = 43;
    private static final int TRAINER_UNK_SURFACE = 44;
    // NormalizerSpec fields
    private static final int NORM_NAME = 1;
    private static final int NORM_PRECOMPILED_CHARSMAP = 2;
    private static final int NORM_ADD_DUMMY_PREFIX = 3;
    private static final int NORM_REMOVE_EXTRA_WHITESPACES = 4;
    private static final int NORM_ESCAPE_WHITESPACES = 5;

    private SentencePieceModelReader() {
    }

    static SentencePieceModel read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        SentencePieceModel model;
        try {
            model = parse(bytes);
        } catch (MalformedProtoException e) {
            throw new TokenizerFormatException("corrupt sentencepiece model " + file + ": " + e.getMessage(), e);
        }
        validate(file, model);
        return model;
    }

    private static SentencePieceModel parse(byte[] bytes) {
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<PieceType> types = new ArrayList<>();
        Trainer trainer = new Trainer();
        SentencePieceModel.Normalizer normalizer = new SentencePieceModel.Normalizer(null, false, true, true, true);
        ProtoReader in = new ProtoReader(bytes);
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case MODEL_PIECES -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_LEN);
                    readPiece(in.readMessage(), pieces, scores, types);
                }
                case MODEL_TRAINER_SPEC -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_LEN);
                    readTrainer(in.readMessage(), trainer);
                    trainer.present = true;
                }
                case MODEL_NORMALIZER_SPEC -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_LEN);
                    normalizer = readNormalizer(in.readMessage());
                }
                default -> in.skip(tag & 7);
            }
        }
        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) {
            scoreArray[i] = scores.get(i);
        }
        if (!trainer.present) {
            throw new MalformedProtoException("no trainer_spec after " + pieces.size()
                    + " pieces (file truncated, or not a sentencepiece model)");
        }
        return new SentencePieceModel(pieces.toArray(String[]::new), scoreArray, types.toArray(PieceType[]::new),
                trainer.modelType, trainer.unkId, trainer.bosId, trainer.eosId, trainer.padId, trainer.byteFallback,
                trainer.treatWhitespaceAsSuffix, trainer.unkSurface, normalizer);
    }

    private static void readPiece(ProtoReader in, List<String> pieces, List<Float> scores, List<PieceType> types) {
        String piece = null;
        float score = 0f;
        int typeCode = PieceType.NORMAL.code();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case PIECE_PIECE -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_LEN);
                    piece = in.readString();
                }
                case PIECE_SCORE -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_FIXED32);
                    score = in.readFloat();
                }
                case PIECE_TYPE -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_VARINT);
                    typeCode = in.readInt32();
                }
                default -> in.skip(tag & 7);
            }
        }
        int index = pieces.size();
        if (piece == null) {
            throw new MalformedProtoException("piece " + index + " has no 'piece' string");
        }
        PieceType type = PieceType.fromCode(typeCode);
        if (type == null) {
            throw new MalformedProtoException("piece " + index + " ('" + piece + "') has unknown type " + typeCode);
        }
        pieces.add(piece);
        scores.add(score);
        types.add(type);
    }

    /** TrainerSpec with proto2 defaults. */
    private static final class Trainer {
        boolean present;
        int modelType = SentencePieceModel.MODEL_TYPE_UNIGRAM;
        int unkId = 0;
        int bosId = 1;
        int eosId = 2;
        int padId = -1;
        boolean byteFallback = false;
        boolean treatWhitespaceAsSuffix = false;
        String unkSurface = " \u2047 ";
    }

    private static void readTrainer(ProtoReader in, Trainer t) {
        while (in.hasMore()) {
            int tag = in.readTag();
            int field = tag >>> 3;
            switch (field) {
                case TRAINER_MODEL_TYPE, TRAINER_UNK_ID, TRAINER_BOS_ID, TRAINER_EOS_ID, TRAINER_PAD_ID,
                     TRAINER_BYTE_FALLBACK, TRAINER_TREAT_WHITESPACE_AS_SUFFIX -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_VARINT);
                    int value = in.readInt32();
                    switch (field) {
                        case TRAINER_MODEL_TYPE -> t.modelType = value;
                        case TRAINER_UNK_ID -> t.unkId = value;
                        case TRAINER_BOS_ID -> t.bosId = value;
                        case TRAINER_EOS_ID -> t.eosId = value;
                        case TRAINER_PAD_ID -> t.padId = value;
                        case TRAINER_BYTE_FALLBACK -> t.byteFallback = value != 0;
                        default -> t.treatWhitespaceAsSuffix = value != 0;
                    }
                }
                case TRAINER_UNK_SURFACE -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_LEN);
                    t.unkSurface = in.readString();
                }
                default -> in.skip(tag & 7);
            }
        }
    }

    private static SentencePieceModel.Normalizer readNormalizer(ProtoReader in) {
        String name = null;
        boolean hasCharsmap = false;
        boolean addDummyPrefix = true;
        boolean removeExtraWhitespaces = true;
        boolean escapeWhitespaces = true;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case NORM_NAME -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_LEN);
                    name = in.readString();
                }
                case NORM_PRECOMPILED_CHARSMAP -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_LEN);
                    hasCharsmap = in.readMessage().hasMore();
                }
                case NORM_ADD_DUMMY_PREFIX -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_VARINT);
                    addDummyPrefix = in.readBool();
                }
                case NORM_REMOVE_EXTRA_WHITESPACES -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_VARINT);
                    removeExtraWhitespaces = in.readBool();
                }
                case NORM_ESCAPE_WHITESPACES -> {
                    ProtoReader.expectWireType(tag, ProtoReader.WIRE_VARINT);
                    escapeWhitespaces = in.readBool();
                }
                default -> in.skip(tag & 7);
            }
        }
        return new SentencePieceModel.Normalizer(name, hasCharsmap, addDummyPrefix, removeExtraWhitespaces,
                escapeWhitespaces);
    }

    private static void validate(Path file, SentencePieceModel m) throws TokenizerFormatException {
        if (m.size() == 0) {
            throw new TokenizerFormatException("sentencepiece model " + file + " has no pieces (not a tokenizer.model?)");
        }
        if (m.modelType() != SentencePieceModel.MODEL_TYPE_BPE) {
            String kind = switch (m.modelType()) {
                case 1 -> "UNIGRAM";
                case 3 -> "WORD";
                case 4 -> "CHAR";
                default -> "unknown";
            };
            throw new TokenizerFormatException("sentencepiece model " + file + " has model_type " + m.modelType()
                    + " (" + kind + "); only BPE (2) is supported");
        }
        if (m.normalizer().hasPrecompiledCharsmap()) {
            throw new TokenizerFormatException("sentencepiece model " + file + " uses normalizer '"
                    + m.normalizer().name() + "' with a precompiled charsmap; only the identity normalizer is supported");
        }
        if (m.treatWhitespaceAsSuffix()) {
            throw new TokenizerFormatException("sentencepiece model " + file
                    + " sets treat_whitespace_as_suffix, which is not supported");
        }
        checkId(file, "unk_id", m.unkId(), m.size(), false);
        checkId(file, "bos_id", m.bosId(), m.size(), true);
        checkId(file, "eos_id", m.eosId(), m.size(), true);
        checkId(file, "pad_id", m.padId(), m.size(), true);
    }

    private static void checkId(Path file, String field, int id, int size, boolean mayBeDisabled)
            throws TokenizerFormatException {
        if ((id == -1 && mayBeDisabled) || (id >= 0 && id < size)) {
            return;
        }
        throw new TokenizerFormatException("sentencepiece model " + file + ": trainer_spec." + field + " = " + id
                + " is outside the " + size + " pieces");
    }
}
