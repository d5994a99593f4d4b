package dev.llava4j.llava.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LLaMA / Vicuna / LLaVA tokenizer (sentencepiece BPE, byte fallback) with the semantics of transformers'
 * slow {@code LlamaTokenizer} (4.40): added and special token strings are cut out of the raw text first;
 * in legacy mode every remaining span is encoded with its own dummy-prefix space, in non-legacy mode only
 * the start of the text gets one (a span right after a special token gets none).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LlamaTokenizer {

    private static final String SPACE = SpanNormalizer.SPACE_SYMBOL_STRING;

    private final Vocabulary vocab;
    private final BpeEncoder encoder;
    /** The model's normalizer: legacy spans and {@link #encodeSentencePiece}. */
    private final SpanNormalizer spanNormalizer;
    /** Non-legacy spans: HF switches the dummy prefix off in the model it uses. */
    private final SpanNormalizer noPrefixNormalizer;
    private final SpecialTokens tokens;
    private final boolean legacy;
    private final boolean addBos;
    private final boolean addEos;
    private final String unkSurface;
    /** Whether sentencepiece decoding drops the dummy-prefix space of the model's normalizer. */
    private final boolean sentencePieceStripsSpace;
    /** The same for the model HF decodes with (non-legacy HF turns the dummy prefix off). */
    private final boolean hfStripsSpace;
    private final int spaceId;
    /** The unk string and its piece count: the non-legacy path encodes "<unk>" + span and drops those. */
    private final String unkContent;
    private final int unkPrefixLength;

    /** What a model file provides before the HF config files are applied. */
    private record Source(String name, Vocabulary vocab, BpeEncoder encoder, SpanNormalizer normalizer,
                          int unkId, int bosId, int eosId, String unkSurface, List<AddedToken> addedTokens) {
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads a tokenizer folder: {@code tokenizer.model} when present, else {@code tokenizer.json}; plus
     * {@code tokenizer_config.json}, {@code special_tokens_map.json} and {@code added_tokens.json} when present.
     * With tokenizer.model, legacy comes from tokenizer_config.json (default true, as transformers);
     * with tokenizer.json, from its normalizer / pre-tokenizer.
     */
    public static LlamaTokenizer load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new TokenizerFormatException("tokenizer folder " + dir + " does not exist or is not a directory");
        }
        TokenizerSettings settings = TokenizerSettings.read(dir);
        Path model = dir.resolve("tokenizer.model");
        if (Files.isRegularFile(model)) {
            Source source = sentencePieceSource(model);
            return new LlamaTokenizer(source, settings.legacy == null || settings.legacy, settings);
        }
        Path json = dir.resolve(TokenizerJsonReader.FILE_NAME);
        if (Files.isRegularFile(json)) {
            TokenizerJsonReader.Parsed parsed = TokenizerJsonReader.read(json);
            return new LlamaTokenizer(jsonSource(json, parsed), parsed.legacy(), settings);
        }
        throw new TokenizerFormatException("tokenizer folder " + dir + " has neither tokenizer.model nor tokenizer.json");
    }

    /** A bare {@code tokenizer.model} (as transformers' {@code LlamaTokenizer(vocab_file, legacy=...)}). */
    public static LlamaTokenizer fromModelFile(Path tokenizerModel, boolean legacy) throws IOException {
        return new LlamaTokenizer(sentencePieceSource(tokenizerModel), legacy, new TokenizerSettings());
    }

    private static Source sentencePieceSource(Path file) throws IOException {
        SentencePieceModel m = SentencePieceModelReader.read(file);
        Vocabulary vocab = new Vocabulary(file.toString(), m.pieces(), m.scores(), m.types());
        SentencePieceModel.Normalizer n = m.normalizer();
        SpanNormalizer normalizer = new SpanNormalizer(n.addDummyPrefix(), n.removeExtraWhitespaces(),
                n.escapeWhitespaces());
        BpeEncoder encoder = new BpeEncoder(vocab, null, m.byteFallback(), false, m.unkId());
        return new Source(file.toString(), vocab, encoder, normalizer, m.unkId(), m.bosId(), m.eosId(),
                m.unkSurface(), List.of());
    }

    private static Source jsonSource(Path file, TokenizerJsonReader.Parsed p) throws TokenizerFormatException {
        Vocabulary vocab = p.vocab();
        int unkId = p.unkToken() == null ? -1 : vocab.id(p.unkToken());
        if (p.unkToken() != null && unkId < 0) {
            throw new TokenizerFormatException(file + ": model.unk_token '" + p.unkToken() + "' is not in model.vocab");
        }
        BpeEncoder encoder = new BpeEncoder(vocab, p.ranks(), p.byteFallback(), p.fuseUnknown(), unkId);
        // Prepend + Replace(' ' -> '▁') is sentencepiece's dummy prefix + whitespace escaping, nothing else.
        SpanNormalizer normalizer = new SpanNormalizer(true, false, true);
        return new Source(file.toString(), vocab, encoder, normalizer, unkId, vocab.id("<s>"), vocab.id("</s>"),
                " \u2047 ", p.addedTokens());
    }

    private LlamaTokenizer(Source src, boolean legacy, TokenizerSettings settings) throws TokenizerFormatException {
        this.vocab = src.vocab();
        this.encoder = src.encoder();
        this.spanNormalizer = src.normalizer();
        this.noPrefixNormalizer = src.normalizer().withoutDummyPrefix();
        this.tokens = new SpecialTokens(src.name(), vocab, src.addedTokens(),
                new int[] {src.bosId(), src.eosId(), src.unkId()}, settings);
        this.legacy = legacy;
        this.addBos = settings.addBos;
        this.addEos = settings.addEos;
        this.unkSurface = src.unkSurface();
        this.sentencePieceStripsSpace = spanNormalizer.addDummyPrefix() || spanNormalizer.removeExtraWhitespaces();
        this.hfStripsSpace = legacy ? sentencePieceStripsSpace : spanNormalizer.removeExtraWhitespaces();
        this.spaceId = vocab.id(SPACE);
        this.unkContent = tokens.unkId >= 0 ? tokens.piece(tokens.unkId) : "";
        IntList unkPieces = new IntList();
        encoder.encode(noPrefixNormalizer.normalize(unkContent), unkPieces);
        this.unkPrefixLength = unkPieces.size();
    }

    /** Copy with another legacy setting. */
    private LlamaTokenizer(LlamaTokenizer o, boolean legacy) {
        this.vocab = o.vocab;
        this.encoder = o.encoder;
        this.spanNormalizer = o.spanNormalizer;
        this.noPrefixNormalizer = o.noPrefixNormalizer;
        this.tokens = o.tokens;
        this.legacy = legacy;
        this.addBos = o.addBos;
        this.addEos = o.addEos;
        this.unkSurface = o.unkSurface;
        this.sentencePieceStripsSpace = o.sentencePieceStripsSpace;
        this.hfStripsSpace = legacy ? sentencePieceStripsSpace : spanNormalizer.removeExtraWhitespaces();
        this.spaceId = o.spaceId;
        this.unkContent = o.unkContent;
        this.unkPrefixLength = o.unkPrefixLength;
    }

    /**
     * The same tokenizer with transformers' {@code legacy} flag set as given (e.g. legacy=true to reproduce
     * LLaVA-1.5 training, whatever the checkpoint's tokenizer_config.json says).
     */
    public LlamaTokenizer withLegacy(boolean legacy) {
        return legacy == this.legacy ? this : new LlamaTokenizer(this, legacy);
    }

    // ---------------------------------------------------------------- encoding

    /**
     * {@code tokenizer(text).input_ids} of transformers: BOS when the config adds it (add_bos_token) and
     * EOS when the config adds it (add_eos_token).
     */
    public int[] encode(String text) {
        int[] ids = encode(text, addBos);
        if (!addEos || tokens.eosId < 0) {
            return ids;
        }
        int[] withEos = Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = tokens.eosId;
        return withEos;
    }

    /** HF slow-tokenizer encoding with special/added tokens split out; BOS first when {@code addBos}. */
    public int[] encode(String text, boolean addBos) {
        IntList ids = new IntList();
        if (addBos && tokens.bosId >= 0) {
            ids.add(tokens.bosId);
        }
        if (legacy || text.isEmpty()) {
            for (AddedTokenSplitter.Segment seg : tokens.splitter.split(text)) {
                if (seg.isToken()) {
                    ids.add(seg.tokenId());
                } else {
                    encoder.encode(spanNormalizer.normalize(seg.text()), ids);
                }
            }
        } else {
            encodeNonLegacy(text, ids);
        }
        return ids.toArray();
    }

    /**
     * transformers' non-legacy path: literal U+2581 becomes a space, one U+2581 goes before the whole text,
     * spans are encoded without a dummy prefix (a span starting with a space is encoded behind the unk
     * string, whose pieces are then dropped, so that its leading space survives), and the lone U+2581 is
     * dropped again when the text starts with a special token.
     */
    private void encodeNonLegacy(String text, IntList ids) {
        int first = ids.size();
        String prefixed = SPACE + text.replace(SpanNormalizer.SPACE_SYMBOL, ' ');
        for (AddedTokenSplitter.Segment seg : tokens.splitter.split(prefixed)) {
            if (seg.isToken()) {
                ids.add(seg.tokenId());
            } else if (seg.text().startsWith(SPACE) || seg.text().startsWith(" ")) {
                IntList withUnk = new IntList();
                encoder.encode(noPrefixNormalizer.normalize(unkContent + seg.text()), withUnk);
                int drop = withUnk.size() >= unkPrefixLength ? unkPrefixLength : 0;
                for (int i = drop; i < withUnk.size(); i++) {
                    ids.add(withUnk.get(i));
                }
            } else {
                encoder.encode(noPrefixNormalizer.normalize(seg.text()), ids);
            }
        }
        if (ids.size() - first > 1 && ids.get(first) == spaceId && tokens.isSpecial(ids.get(first + 1))) {
            ids.removeAt(first);
        }
    }

    /** Pure sentencepiece encoding: no BOS, and {@code <s>}, {@code </s>} etc. are ordinary text. */
    public int[] encodeSentencePiece(String text) {
        IntList ids = new IntList();
        encoder.encode(spanNormalizer.normalize(text), ids);
        return ids.toArray();
    }

    // ---------------------------------------------------------------- decoding

    /**
     * transformers' slow decode: optionally drops special ids; each run of ordinary tokens loses the
     * leading U+2581 of its first piece and is then decoded as sentencepiece does (which, in legacy mode,
     * drops one more leading space). Special tokens left in are written as their strings.
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> subTexts = new ArrayList<>();
        List<Integer> run = new ArrayList<>();
        for (int id : ids) {
            checkId(id);
            if (skipSpecialTokens && tokens.isSpecial(id)) {
                continue;
            }
            if (tokens.isSeparatelyDecoded(id)) {
                if (!run.isEmpty()) {
                    String s = decodeRun(run);
                    if (!s.isEmpty()) {
                        subTexts.add(s);
                    }
                    run.clear();
                }
                subTexts.add(piece(id));
            } else {
                run.add(id);
            }
        }
        if (!run.isEmpty()) {
            subTexts.add(decodeRun(run));
        }
        // transformers' _decode joins with spaces_between_special_tokens, whose default there is true
        return String.join(" ", subTexts);
    }

    /** convert_tokens_to_string of transformers' LlamaTokenizer. */
    private String decodeRun(List<Integer> run) {
        StringBuilder out = new StringBuilder();
        PieceTextDecoder pieces = newHfPieceDecoder();
        boolean previousSpecial = false;
        for (int i = 0; i < run.size(); i++) {
            int id = run.get(i);
            String token = piece(id);
            if (tokens.isSpecial(id)) {
                if (!previousSpecial && i != 0 && legacy) {
                    out.append(' ');
                }
                out.append(pieces.finish()).append(token);
                pieces = newHfPieceDecoder();
                previousSpecial = true;
            } else {
                if (previousSpecial && i == 1 && !token.startsWith(SPACE)) {
                    out.append(' ');
                }
                appendOrdinary(pieces, id, i == 0);
                previousSpecial = false;
            }
        }
        return out.append(pieces.finish()).toString();
    }

    /** The first piece of a run is handed over without its leading U+2581 (HF's add_prefix_space undo). */
    void appendOrdinary(PieceTextDecoder pieces, int id, boolean firstOfRun) {
        if (id >= vocab.size()) {
            pieces.appendLiteral(piece(id));
        } else if (firstOfRun && vocab.piece(id).startsWith(SPACE)) {
            pieces.appendPieceString(vocab.piece(id).substring(1));
        } else {
            pieces.appendId(id);
        }
    }

    PieceTextDecoder newHfPieceDecoder() {
        return new PieceTextDecoder(vocab, hfStripsSpace, spanNormalizer.removeExtraWhitespaces(), unkSurface);
    }

    /** Pure sentencepiece decoding: control ids vanish, unk becomes " ⁇ ", one leading space dropped. */
    public String decodeSentencePiece(int[] ids) {
        PieceTextDecoder pieces = new PieceTextDecoder(vocab, sentencePieceStripsSpace,
                spanNormalizer.removeExtraWhitespaces(), unkSurface);
        for (int id : ids) {
            checkId(id);
            if (id >= vocab.size()) {
                pieces.appendLiteral(piece(id));
            } else {
                pieces.appendId(id);
            }
        }
        return pieces.finish();
    }

    /** Incremental {@code decode(ids, true)} for generation: feed ids one at a time. */
    public StreamingDecoder newStreamingDecoder() {
        return new StreamingDecoder(this);
    }

    // ---------------------------------------------------------------- vocabulary

    public int bosId() {
        return tokens.bosId;
    }

    public int eosId() {
        return tokens.eosId;
    }

    /** The pad token id, or -1 when the config names none. */
    public int padId() {
        return tokens.padId;
    }

    public int unkId() {
        return tokens.unkId;
    }

    /** Base pieces plus added tokens. */
    public int vocabSize() {
        return tokens.vocabSize;
    }

    /** The number of pieces in the model file (ids at or above it are added tokens). */
    public int baseVocabSize() {
        return vocab.size();
    }

    /** The piece string of a base id, or the content of an added token. */
    public String piece(int id) {
        checkId(id);
        return tokens.piece(id);
    }

    /** The id of a piece or added token string, or -1. */
    public int id(String piece) {
        int id = vocab.id(piece);
        return id >= 0 ? id : tokens.addedId(piece);
    }

    /** Whether HF counts the id among its special tokens (dropped by skip_special_tokens). */
    public boolean isSpecial(int id) {
        return tokens.isSpecial(id);
    }

    boolean isSeparatelyDecoded(int id) {
        return tokens.isSeparatelyDecoded(id);
    }

    public boolean legacy() {
        return legacy;
    }

    /** Whether {@link #encode(String)} puts BOS first (tokenizer_config add_bos_token, default true). */
    public boolean addBos() {
        return addBos;
    }

    /** Whether {@link #encode(String)} appends EOS (tokenizer_config add_eos_token, default false). */
    public boolean addEos() {
        return addEos;
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokens.vocabSize) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary 0.."
                    + (tokens.vocabSize - 1));
        }
    }
}
