package dev.llava4j.llava.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * BPE over one normalized span. Symbols start as code points (or user-defined pieces); the adjacent pair
 * with the best priority is merged until none qualifies; leftmost wins ties. Priority is the merged
 * piece's score (sentencepiece) or minus the merge rank (HF tokenizer.json). A priority queue with lazy
 * invalidation keeps this O(n log n). Symbols that are not pieces fall back to UTF-8 byte pieces.
 */
final class BpeEncoder {

    private final Vocabulary vocab;
    private final MergeRanks ranks;
    private final boolean byteFallback;
    private final boolean fuseUnknown;
    private final int unkId;

    /** @param ranks null to merge by piece score (sentencepiece), else by merge rank (tokenizer.json) */
    BpeEncoder(Vocabulary vocab, MergeRanks ranks, boolean byteFallback, boolean fuseUnknown, int unkId) {
        this.vocab = vocab;
        this.ranks = ranks;
        this.byteFallback = byteFallback;
        this.fuseUnknown = fuseUnknown;
        this.unkId = unkId;
    }

    private record Candidate(double priority, int left, int right, int start, int end, int mergedId) {
    }

    /** What an UNUSED piece was merged from, so it can be split back (sentencepiece "resegment"). */
    private record Parts(int leftId, String leftText, int rightId, String rightText) {
    }

    /** Working state of one encode call. */
    private final class Work {
        final String s;
        final int[] start;
        final int[] end;
        final int[] next;
        final int[] prev;
        final int[] id;
        final PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(b.priority, a.priority);
            return c != 0 ? c : Integer.compare(a.left, b.left);
        });
        Map<Integer, Parts> unusedParts;

        Work(String s) {
            this.s = s;
            int cap = s.length();
            start = new int[cap];
            end = new int[cap];
            next = new int[cap];
            prev = new int[cap];
            id = new int[cap];
        }

        void addCandidate(int l, int r) {
            int mergedId;
            double priority;
            if (ranks == null) {
                if (end[r] - start[l] > vocab.maxPieceChars()) {
                    return;
                }
                mergedId = vocab.mergeableId(s.substring(start[l], end[r]));
                if (mergedId < 0) {
                    return;
                }
                priority = vocab.score(mergedId);
            } else {
                if (id[l] < 0 || id[r] < 0) {
                    return;
                }
                long merge = ranks.lookup(id[l], id[r]);
                if (merge < 0) {
                    return;
                }
                mergedId = (int) merge;
                priority = -(double) (merge >>> 32);
            }
            queue.add(new Candidate(priority, l, r, start[l], end[r], mergedId));
        }

        boolean stillValid(Candidate c) {
            return start[c.left] == c.start && next[c.left] == c.right && end[c.right] == c.end;
        }
    }

    /** Appends the ids of one already-normalized span. */
    void encode(String normalized, IntList out) {
        if (normalized.isEmpty()) {
            return;
        }
        Work w = new Work(normalized);
        int n = splitInitialSymbols(w);
        for (int k = 0; k < n; k++) {
            w.prev[k] = k - 1;
            w.next[k] = k + 1 < n ? k + 1 : -1;
        }
        for (int k = 0; k + 1 < n; k++) {
            w.addCandidate(k, k + 1);
        }
        while (!w.queue.isEmpty()) {
            Candidate c = w.queue.poll();
            if (!w.stillValid(c)) {
                continue;
            }
            int l = c.left;
            int r = c.right;
            if (vocab.type(c.mergedId) == PieceType.UNUSED && ranks == null) {
                if (w.unusedParts == null) {
                    w.unusedParts = new HashMap<>();
                }
                w.unusedParts.put(c.mergedId, new Parts(w.id[l], normalized.substring(w.start[l], w.end[l]),
                        w.id[r], normalized.substring(w.start[r], w.end[r])));
            }
            w.end[l] = w.end[r];
            w.id[l] = c.mergedId;
            w.next[l] = w.next[r];
            if (w.next[r] >= 0) {
                w.prev[w.next[r]] = l;
            }
            w.start[r] = -1; // dead
            if (w.prev[l] >= 0) {
                w.addCandidate(w.prev[l], l);
            }
            if (w.next[l] >= 0) {
                w.addCandidate(l, w.next[l]);
            }
        }
        boolean[] lastWasUnknown = {false};
        for (int k = 0; k >= 0; k = w.next[k]) {
            emit(w, w.id[k], normalized.substring(w.start[k], w.end[k]), out, lastWasUnknown);
        }
    }

    /** Fills start/end/id of the initial symbols; returns their count. */
    private int splitInitialSymbols(Work w) {
        String s = w.s;
        int n = 0;
        int i = 0;
        while (i < s.length()) {
            int len = vocab.hasUserDefined() ? matchUserDefined(s, i) : 0;
            if (len == 0) {
                len = Character.charCount(s.codePointAt(i));
            }
            w.start[n] = i;
            w.end[n] = i + len;
            w.id[n] = vocab.mergeableId(s.substring(i, i + len));
            n++;
            i += len;
        }
        return n;
    }

    /** Length of the longest user-defined piece starting at i, or 0. */
    private int matchUserDefined(String s, int i) {
        for (int len = Math.min(vocab.maxUserDefinedChars(), s.length() - i); len > 0; len--) {
            int id = vocab.id(s.substring(i, i + len));
            if (id >= 0 && vocab.type(id) == PieceType.USER_DEFINED) {
                return len;
            }
        }
        return 0;
    }

    private void emit(Work w, int id, String text, IntList out, boolean[] lastWasUnknown) {
        if (id >= 0 && vocab.type(id) == PieceType.UNUSED && w.unusedParts != null && w.unusedParts.containsKey(id)) {
            Parts p = w.unusedParts.get(id);
            emit(w, p.leftId, p.leftText, out, lastWasUnknown);
            emit(w, p.rightId, p.rightText, out, lastWasUnknown);
            return;
        }
        if (id >= 0) {
            out.add(id);
            lastWasUnknown[0] = false;
            return;
        }
        if (byteFallback) {
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                int byteId = vocab.byteId(b & 0xFF);
                if (byteId >= 0) {
                    out.add(byteId);
                    lastWasUnknown[0] = false;
                } else {
                    emitUnknown(out, lastWasUnknown);
                }
            }
        } else {
            emitUnknown(out, lastWasUnknown);
        }
    }

    private void emitUnknown(IntList out, boolean[] lastWasUnknown) {
        if (!(fuseUnknown && lastWasUnknown[0])) {
            out.add(unkId);
        }
        lastWasUnknown[0] = true;
    }
}
