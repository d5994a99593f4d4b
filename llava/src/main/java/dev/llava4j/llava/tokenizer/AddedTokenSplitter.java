package dev.llava4j.llava.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cuts raw text at occurrences of added/special token strings (leftmost match, longest on a tie), as HF
 * does before any normalization. The text between matches is left for BPE.
 */
final class AddedTokenSplitter {

    /** Either a text span (tokenId == -1) or a matched token. */
    record Segment(String text, int tokenId) {
        boolean isToken() {
            return tokenId >= 0;
        }
    }

    private final String[] contents;
    private final int[] ids;

    AddedTokenSplitter(Map<String, Integer> tokens) {
        this.contents = new String[tokens.size()];
        this.ids = new int[tokens.size()];
        int i = 0;
        for (Map.Entry<String, Integer> e : tokens.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw new IllegalArgumentException("an added token has empty content");
            }
            contents[i] = e.getKey();
            ids[i] = e.getValue();
            i++;
        }
    }

    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        int n = contents.length;
        int[] nextAt = new int[n];
        for (int k = 0; k < n; k++) {
            nextAt[k] = text.indexOf(contents[k]);
        }
        int pos = 0;
        while (true) {
            int best = -1;
            for (int k = 0; k < n; k++) {
                if (nextAt[k] >= 0 && nextAt[k] < pos) {
                    nextAt[k] = text.indexOf(contents[k], pos); // an earlier hit overlapped the last match
                }
                if (nextAt[k] >= 0 && (best < 0 || nextAt[k] < nextAt[best]
                        || (nextAt[k] == nextAt[best] && contents[k].length() > contents[best].length()))) {
                    best = k;
                }
            }
            if (best < 0) {
                break;
            }
            int at = nextAt[best];
            if (at > pos) {
                out.add(new Segment(text.substring(pos, at), -1));
            }
            out.add(new Segment(contents[best], ids[best]));
            pos = at + contents[best].length();
        }
        if (pos < text.length()) {
            out.add(new Segment(text.substring(pos), -1));
        }
        return out;
    }
}
