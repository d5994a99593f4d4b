package dev.llava4j.llava.tokenizer;

import java.util.HashMap;
import java.util.Map;

/** HF {@code tokenizer.json} BPE merges: (left id, right id) -> rank (list position) and merged id. */
final class MergeRanks {

    private final Map<Long, Long> byPair = new HashMap<>();

    /** Registers a merge; a later duplicate of a pair replaces the earlier one, as HF tokenizers' map does. */
    void put(int leftId, int rightId, int rank, int mergedId) {
        byPair.put(key(leftId, rightId), (long) rank << 32 | (mergedId & 0xFFFFFFFFL));
    }

    /** rank << 32 | merged id, or -1 when the pair is not a merge. */
    long lookup(int leftId, int rightId) {
        Long v = byPair.get(key(leftId, rightId));
        return v == null ? -1 : v;
    }

    int size() {
        return byPair.size();
    }

    private static long key(int leftId, int rightId) {
        return (long) leftId << 32 | (rightId & 0xFFFFFFFFL);
    }
}
