package dev.llava4j.llava.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads an HF fast-tokenizer {@code tokenizer.json} of the LLaMA kind: a BPE model with vocab and ranked
 * merges, and either the legacy normalizer {@code Sequence[Prepend("▁"), Replace(" ", "▁")]} or a
 * {@code Metaspace} pre-tokenizer (prepend_scheme "first" = non-legacy, "always" = legacy).
 */
final class TokenizerJsonReader {

    static final String FILE_NAME = "tokenizer.json";

    /** The parsed file. */
    record Parsed(Vocabulary vocab, MergeRanks ranks, boolean byteFallback, boolean fuseUnknown, String unkToken,
                  boolean legacy, List<AddedToken> addedTokens) {
    }

    private TokenizerJsonReader() {
    }

    static Parsed read(Path file) throws IOException {
        JsonNode root = TokenizerSettings.readObject(new ObjectMapper(), file);
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw new TokenizerFormatException(file + ": no 'model' object");
        }
        String type = model.path("type").asText("");
        if (!type.equals("BPE")) {
            throw new TokenizerFormatException(file + ": model.type is '" + type + "'; only BPE is supported");
        }
        List<AddedToken> added = readAddedTokens(file, root.path("added_tokens"));
        String unkToken = model.path("unk_token").isTextual() ? model.get("unk_token").textValue() : null;
        String[] pieces = readVocab(file, model.path("vocab"));
        PieceType[] types = new PieceType[pieces.length];
        for (int id = 0; id < pieces.length; id++) {
            types[id] = pieceType(pieces[id], unkToken, id, added);
        }
        Vocabulary vocab = new Vocabulary(file.toString(), pieces, new float[pieces.length], types);
        MergeRanks ranks = readMerges(file, model.path("merges"), vocab);
        boolean legacy = readLegacy(file, root.path("normalizer"), root.path("pre_tokenizer"));
        return new Parsed(vocab, ranks, model.path("byte_fallback").asBoolean(false),
                model.path("fuse_unk").asBoolean(false), unkToken, legacy, added);
    }

    private static PieceType pieceType(String piece, String unkToken, int id, List<AddedToken> added) {
        if (piece.equals(unkToken)) {
            return PieceType.UNKNOWN;
        }
        if (Vocabulary.parseBytePiece(piece) >= 0) {
            return PieceType.BYTE;
        }
        for (AddedToken t : added) {
            if (t.id() == id && t.special()) {
                return PieceType.CONTROL;
            }
        }
        return PieceType.NORMAL;
    }

    private static String[] readVocab(Path file, JsonNode vocab) throws TokenizerFormatException {
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new TokenizerFormatException(file + ": model.vocab must be a non-empty object");
        }
        String[] pieces = new String[vocab.size()];
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            JsonNode idNode = e.getValue();
            if (!idNode.isIntegralNumber()) {
                throw new TokenizerFormatException(file + ": model.vocab['" + e.getKey() + "'] is not an integer id");
            }
            int id = idNode.intValue();
            if (id < 0 || id >= pieces.length) {
                throw new TokenizerFormatException(file + ": model.vocab['" + e.getKey() + "'] = " + id
                        + " is outside 0.." + (pieces.length - 1) + " (ids must be dense)");
            }
            if (pieces[id] != null) {
                throw new TokenizerFormatException(file + ": model.vocab gives id " + id + " to both '" + pieces[id]
                        + "' and '" + e.getKey() + "'");
            }
            pieces[id] = e.getKey();
        }
        return pieces;
    }

    private static MergeRanks readMerges(Path file, JsonNode merges, Vocabulary vocab) throws TokenizerFormatException {
        if (!merges.isArray()) {
            throw new TokenizerFormatException(file + ": model.merges must be a list");
        }
        MergeRanks ranks = new MergeRanks();
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = mergePair(file, rank, merges.get(rank));
            int left = vocab.id(pair[0]);
            int right = vocab.id(pair[1]);
            int merged = vocab.id(pair[0] + pair[1]);
            if (left < 0 || right < 0 || merged < 0) {
                throw new TokenizerFormatException(file + ": merge " + rank + " " + Arrays.toString(pair)
                        + " uses or produces a piece that is not in model.vocab");
            }
            ranks.put(left, right, rank, merged);
        }
        return ranks;
    }

    /** A merge is "left right" (one space) or, in newer files, a two-element list. */
    private static String[] mergePair(Path file, int rank, JsonNode m) throws TokenizerFormatException {
        if (m.isTextual()) {
            String[] parts = m.textValue().split(" ", -1);
            if (parts.length == 2) {
                return parts;
            }
        } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
            return new String[] {m.get(0).textValue(), m.get(1).textValue()};
        }
        throw new TokenizerFormatException(file + ": merge " + rank + " is " + m
                + ", expected \"left right\" or [left, right]");
    }

    private static List<AddedToken> readAddedTokens(Path file, JsonNode list) throws TokenizerFormatException {
        List<AddedToken> added = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return added;
        }
        if (!list.isArray()) {
            throw new TokenizerFormatException(file + ": added_tokens must be a list");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            if (!t.path("id").isIntegralNumber() || !t.path("content").isTextual()) {
                throw new TokenizerFormatException(file + ": added_tokens[" + i + "] needs an integer id and a content");
            }
            added.add(new AddedToken(t.get("id").intValue(), t.get("content").textValue(),
                    t.path("special").asBoolean(false)));
        }
        return added;
    }

    /** Legacy = every text span gets the dummy prefix; non-legacy = only the start of the whole text. */
    private static boolean readLegacy(Path file, JsonNode normalizer, JsonNode preTokenizer)
            throws TokenizerFormatException {
        List<JsonNode> norms = flatten(normalizer, "normalizers");
        boolean prepend = norms.stream().anyMatch(n -> n.path("type").asText().equals("Prepend")
                && n.path("prepend").asText().equals(SpanNormalizer.SPACE_SYMBOL_STRING));
        if (prepend) {
            boolean escapes = norms.stream().anyMatch(n -> n.path("type").asText().equals("Replace")
                    && n.path("pattern").path("String").asText().equals(" ")
                    && n.path("content").asText().equals(SpanNormalizer.SPACE_SYMBOL_STRING));
            if (!escapes) {
                throw new TokenizerFormatException(file + ": normalizer prepends '\u2581' but has no Replace(' ' -> '\u2581')");
            }
            return true;
        }
        for (JsonNode p : flatten(preTokenizer, "pretokenizers")) {
            if (!p.path("type").asText().equals("Metaspace")) {
                continue;
            }
            if (p.path("split").asBoolean(false)) {
                throw new TokenizerFormatException(file + ": Metaspace pre-tokenizer with split=true is not supported");
            }
            String scheme = p.path("prepend_scheme").asText(p.path("add_prefix_space").asBoolean(true) ? "always" : "never");
            return switch (scheme) {
                case "first" -> false;
                case "always" -> true;
                default -> throw new TokenizerFormatException(file + ": Metaspace prepend_scheme '" + scheme
                        + "' is not supported (expected 'first' or 'always')");
            };
        }
        throw new TokenizerFormatException(file + ": neither a Prepend('\u2581') normalizer nor a Metaspace "
                + "pre-tokenizer; not a LLaMA-style sentencepiece BPE tokenizer");
    }

    /** The node itself, or the members of a Sequence; empty for null. */
    private static List<JsonNode> flatten(JsonNode node, String membersField) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return out;
        }
        if (node.path("type").asText().equals("Sequence")) {
            node.path(membersField).forEach(out::add);
        } else {
            out.add(node);
        }
        return out;
    }
}
