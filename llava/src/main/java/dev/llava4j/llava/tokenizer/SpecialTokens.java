package dev.llava4j.llava.tokenizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The special and added tokens of a tokenizer, resolved against the base vocabulary: BOS/EOS/UNK/PAD ids,
 * added tokens past the base vocabulary (e.g. {@code <image>} 32000, {@code <pad>} 32001), which ids HF
 * counts as special, and the splitter that cuts all of these out of raw text.
 */
final class SpecialTokens {

    final int bosId;
    final int eosId;
    final int unkId;
    /** -1 when the config names no pad token (transformers' LlamaTokenizer default). */
    final int padId;
    /** Base pieces plus added tokens. */
    final int vocabSize;
    final AddedTokenSplitter splitter;
    private final Vocabulary vocab;
    /** Contents of added tokens with ids at or above the base vocabulary size. */
    private final Map<Integer, String> addedContents;
    private final Set<Integer> specialIds;
    /** transformers decodes these as separate sub-texts (its "legacy_added_tokens"). */
    private final Set<Integer> separatelyDecodedIds;

    /**
     * @param sourceName  the model file, for messages
     * @param sourceAdded added tokens the model file itself lists (tokenizer.json)
     * @param defaults    bos, eos, unk ids of the model file (-1 = none)
     */
    SpecialTokens(String sourceName, Vocabulary vocab, List<AddedToken> sourceAdded, int[] defaults,
                  TokenizerSettings settings) throws TokenizerFormatException {
        this.vocab = vocab;
        Map<Integer, AddedToken> added = mergeAddedTokens(sourceName, vocab, sourceAdded, settings);
        this.addedContents = new TreeMap<>();
        Map<String, Integer> byContent = new LinkedHashMap<>();
        for (AddedToken t : added.values()) {
            if (t.id() >= vocab.size()) {
                addedContents.put(t.id(), t.content());
            }
            byContent.put(t.content(), t.id());
        }
        this.vocabSize = vocab.size() + addedContents.size();

        this.bosId = resolveOr(sourceName, byContent, "bos_token", settings.bosToken, defaults[0]);
        this.eosId = resolveOr(sourceName, byContent, "eos_token", settings.eosToken, defaults[1]);
        this.unkId = resolveOr(sourceName, byContent, "unk_token", settings.unkToken, defaults[2]);
        this.padId = resolveOr(sourceName, byContent, "pad_token", settings.padToken, -1);
        List<Integer> additionalIds = new ArrayList<>();
        for (String s : settings.additionalSpecialTokens) {
            additionalIds.add(resolveOr(sourceName, byContent, "additional_special_tokens", s, -1));
        }

        Set<Integer> special = new HashSet<>(additionalIds);
        for (int id : new int[] {bosId, eosId, unkId, padId}) {
            if (id >= 0) {
                special.add(id);
            }
        }
        added.values().stream().filter(AddedToken::special).forEach(t -> special.add(t.id()));
        this.specialIds = Set.copyOf(special);

        Set<Integer> separate = new HashSet<>();
        added.keySet().stream().filter(id -> !specialIds.contains(id)).forEach(separate::add);
        additionalIds.stream().filter(id -> id >= vocab.size()).forEach(separate::add);
        this.separatelyDecodedIds = Set.copyOf(separate);

        // Special token strings are cut out of the text like added tokens (transformers registers them as such).
        for (int id : specialIds) {
            byContent.putIfAbsent(piece(id), id);
        }
        this.splitter = new AddedTokenSplitter(byContent);
    }

    private static Map<Integer, AddedToken> mergeAddedTokens(String sourceName, Vocabulary vocab,
                                                             List<AddedToken> sourceAdded, TokenizerSettings settings)
            throws TokenizerFormatException {
        Map<Integer, AddedToken> added = new TreeMap<>();
        for (AddedToken t : sourceAdded) {
            added.put(t.id(), t);
        }
        for (AddedToken t : settings.addedTokens.values()) {
            AddedToken prev = added.get(t.id());
            if (prev != null && !prev.content().equals(t.content())) {
                throw new TokenizerFormatException(settings.addedTokenSources.get(t.id()) + ": id " + t.id() + " is '"
                        + t.content() + "' but " + sourceName + " says '" + prev.content() + "'");
            }
            added.put(t.id(), new AddedToken(t.id(), t.content(), t.special() || (prev != null && prev.special())));
        }
        int expectedNext = vocab.size();
        for (AddedToken t : added.values()) {
            if (t.id() < vocab.size()) {
                if (!vocab.piece(t.id()).equals(t.content())) {
                    throw new TokenizerFormatException("added token '" + t.content() + "' has id " + t.id()
                            + ", which is '" + vocab.piece(t.id()) + "' in " + sourceName);
                }
            } else if (t.id() != expectedNext++) {
                throw new TokenizerFormatException("added token '" + t.content() + "' has id " + t.id()
                        + " but ids past the " + vocab.size() + " pieces of " + sourceName + " must be consecutive");
            }
        }
        return added;
    }

    /** The id of a configured token string, or the fallback when the config does not name one. */
    private int resolveOr(String sourceName, Map<String, Integer> addedByContent, String field, String content,
                          int fallback) throws TokenizerFormatException {
        if (content == null) {
            return fallback;
        }
        Integer added = addedByContent.get(content);
        if (added != null) {
            return added;
        }
        int id = vocab.id(content);
        if (id < 0) {
            throw new TokenizerFormatException(field + " '" + content + "' (tokenizer config) is neither a piece of "
                    + sourceName + " nor an added token");
        }
        return id;
    }

    /** Piece of a base id or content of an added token; the id must be in range. */
    String piece(int id) {
        return id < vocab.size() ? vocab.piece(id) : addedContents.get(id);
    }

    /** Id of an added token beyond the base vocabulary, or -1. */
    int addedId(String content) {
        for (Map.Entry<Integer, String> e : addedContents.entrySet()) {
            if (e.getValue().equals(content)) {
                return e.getKey();
            }
        }
        return -1;
    }

    boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    boolean isSeparatelyDecoded(int id) {
        return separatelyDecodedIds.contains(id);
    }
}
