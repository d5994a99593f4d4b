package dev.llava4j.llava.tokenizer;

/**
 * sentencepiece's identity normalizer: optional whitespace squeezing, the dummy-prefix space, and
 * escaping of spaces as U+2581. Only U+0020 counts as whitespace here (tabs and newlines are kept).
 */
record SpanNormalizer(boolean addDummyPrefix, boolean removeExtraWhitespaces, boolean escapeWhitespaces) {

    static final char SPACE_SYMBOL = '\u2581';
    static final String SPACE_SYMBOL_STRING = "\u2581";

    SpanNormalizer withoutDummyPrefix() {
        return new SpanNormalizer(false, removeExtraWhitespaces, escapeWhitespaces);
    }

    /** The string BPE runs on; empty input (or input that squeezes to nothing) gives "" without a prefix. */
    String normalize(String text) {
        String s = removeExtraWhitespaces ? squeezeSpaces(text) : text;
        if (s.isEmpty()) {
            return "";
        }
        if (addDummyPrefix) {
            s = " " + s;
        }
        return escapeWhitespaces ? s.replace(' ', SPACE_SYMBOL) : s;
    }

    /** Drops leading and trailing spaces and collapses inner runs of spaces to one. */
    private static String squeezeSpaces(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                pendingSpace = out.length() > 0;
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }
}
