package dev.llava4j.llava.tokenizer;

/** A token matched verbatim in the raw text before BPE (HF "added token"), e.g. {@code <image>} = 32000. */
record AddedToken(int id, String content, boolean special) {
}
