package dev.llava4j.llava.tokenizer;

/**
 * The parts of a sentencepiece {@code ModelProto} that encoding and decoding depend on.
 * Field values are the ones stored in the file, or the proto2 defaults where a field is absent.
 */
record SentencePieceModel(
        String[] pieces,
        float[] scores,
        PieceType[] types,
        int modelType,
        int unkId,
        int bosId,
        int eosId,
        int padId,
        boolean byteFallback,
        boolean treatWhitespaceAsSuffix,
        String unkSurface,
        Normalizer normalizer) {

    /** TrainerSpec.ModelType values. */
    static final int MODEL_TYPE_UNIGRAM = 1;
    static final int MODEL_TYPE_BPE = 2;

    /** NormalizerSpec fields (proto defaults: add_dummy_prefix, remove_extra_whitespaces, escape_whitespaces = true). */
    record Normalizer(String name, boolean hasPrecompiledCharsmap, boolean addDummyPrefix,
                      boolean removeExtraWhitespaces, boolean escapeWhitespaces) {
    }

    int size() {
        return pieces.length;
    }
}
