package dev.llava4j.llava.tokenizer;

/**
 * UTF-8 decoding of byte-fallback pieces the way sentencepiece does it: each byte that does not start a
 * complete, valid, shortest-form sequence becomes one U+FFFD and decoding resumes at the next byte.
 */
final class LenientUtf8 {

    static final char REPLACEMENT = '\uFFFD';

    private LenientUtf8() {
    }

    /**
     * Decodes buf[from, to) into out. When {@code endOfInput} is false, a trailing sequence that is still
     * valid but incomplete is left undecoded (more bytes may follow).
     *
     * @return the index of the first byte not consumed (== to when everything was decoded)
     */
    static int decode(byte[] buf, int from, int to, boolean endOfInput, StringBuilder out) {
        int i = from;
        while (i < to) {
            int b0 = buf[i] & 0xFF;
            int needed = sequenceLength(b0);
            if (needed == 1) {
                out.append((char) b0);
                i++;
                continue;
            }
            if (needed == 0) {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int available = Math.min(needed, to - i);
            boolean trailsOk = true;
            for (int k = 1; k < available; k++) {
                trailsOk &= isTrail(buf[i + k]);
            }
            if (available < needed) {
                if (trailsOk && !endOfInput) {
                    return i; // wait for the rest of the character
                }
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int cp = codePoint(buf, i, needed);
            if (trailsOk && cp >= minimumFor(needed) && isValidCodePoint(cp)) {
                out.appendCodePoint(cp);
                i += needed;
            } else {
                out.append(REPLACEMENT);
                i++;
            }
        }
        return to;
    }

    /** 1 for ASCII, 2..4 for a lead byte pattern, 0 for a byte that cannot start a sequence. */
    private static int sequenceLength(int b0) {
        if (b0 < 0x80) {
            return 1;
        }
        if ((b0 & 0xE0) == 0xC0) {
            return 2;
        }
        if ((b0 & 0xF0) == 0xE0) {
            return 3;
        }
        if ((b0 & 0xF8) == 0xF0) {
            return 4;
        }
        return 0;
    }

    private static boolean isTrail(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static int codePoint(byte[] buf, int i, int length) {
        int lead = buf[i] & (0xFF >>> (length + 1));
        int cp = lead;
        for (int k = 1; k < length; k++) {
            cp = cp << 6 | (buf[i + k] & 0x3F);
        }
        return cp;
    }

    private static int minimumFor(int length) {
        return switch (length) {
            case 2 -> 0x80;
            case 3 -> 0x800;
            default -> 0x10000;
        };
    }

    private static boolean isValidCodePoint(int cp) {
        return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
    }
}
