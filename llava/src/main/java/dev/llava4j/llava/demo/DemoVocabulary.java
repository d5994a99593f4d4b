package dev.llava4j.llava.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bundled LLaMA tokenizer cut down to the pieces the demo corpus needs, written as an ordinary Hugging Face
 * tokenizer folder ({@code tokenizer.json} BPE with vocab and merges). The demo's stand-in language model then
 * needs a few hundred embedding / output rows instead of 32000, and every part of the real code path (trainer,
 * checkpoint folder, {@code LlavaModel.load}) works on it unchanged.
 *
 * <p>Why the segmentation stays LLaMA's: sentencepiece BPE repeatedly merges the adjacent pair whose
 * concatenation is the best-scoring vocabulary piece. The cut-down vocabulary keeps every piece the corpus ends
 * up with and every LLaMA piece that is a substring of one (which includes every intermediate symbol on the way
 * there), so at each step the pair LLaMA would merge is still available and still the best: the merges happen
 * in the same order. The merges are ranked by LLaMA id, which orders LLaMA's merge scores for the pieces that
 * matter; {@link #checkSameSegmentation} confirms the result on the whole corpus rather than trusting this.
 *
 * <p>Small ids follow LLaMA ids in ascending order (so unk, BOS, EOS stay 0, 1, 2), as {@link VocabRemap}
 * defines; the remap is saved next to the tokenizer.
 */
public final class DemoVocabulary {

    /** Written into the tokenizer folder: tokenizer.json plus these (HF reads them; so does LlamaTokenizer). */
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String REMAP_JSON = "vocab_remap.json";
    private static final String SPACE = "\u2581";
    private static final Pattern BYTE_PIECE = Pattern.compile("<0x[0-9A-F]{2}>");

    private final LlamaTokenizer llama;
    private final VocabRemap remap;

    private DemoVocabulary(LlamaTokenizer llama, VocabRemap remap) {
        this.llama = llama;
        this.remap = remap;
    }

    /**
     * The vocabulary for a corpus given as LLaMA token ids (negative ids such as the image placeholder and the
     * ignored label are skipped).
     */
    public static DemoVocabulary build(LlamaTokenizer llama, Iterable<int[]> corpusIds) {
        Set<Integer> used = new HashSet<>();
        for (int[] ids : corpusIds) {
            for (int id : ids) {
                if (id >= 0) {
                    used.add(id);
                }
            }
        }
        Set<Integer> pieces = new HashSet<>(used);
        for (int id : used) {
            if (isNormal(llama, id)) {
                pieces.addAll(substringPieces(llama, llama.piece(id)));
            }
        }
        int[] all = pieces.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new DemoVocabulary(llama, VocabRemap.build(llama, List.of(all)));
    }

    /** Every LLaMA normal piece that is a substring of {@code piece} (the piece itself included). */
    private static List<Integer> substringPieces(LlamaTokenizer llama, String piece) {
        int[] cps = piece.codePoints().toArray();
        List<Integer> out = new ArrayList<>();
        for (int start = 0; start < cps.length; start++) {
            for (int end = start + 1; end <= cps.length; end++) {
                int id = llama.id(new String(cps, start, end - start));
                if (id >= 0 && isNormal(llama, id)) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** A piece BPE can merge into or from: not a special token, not a byte-fallback piece. */
    private static boolean isNormal(LlamaTokenizer llama, int id) {
        return id != llama.unkId() && !llama.isSpecial(id) && !BYTE_PIECE.matcher(llama.piece(id)).matches();
    }

    public VocabRemap remap() {
        return remap;
    }

    /** Rows of the stand-in model's embedding and output layers. */
    public int size() {
        return remap.size();
    }

    /**
     * Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json (the bundled LLaVA-1.5 settings:
     * legacy, BOS added, pad = unk), the remap and the tokenizer's licence notice into {@code dir}.
     */
    public Path writeFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path bundled = DemoTokenizer.writeTo(Files.createTempDirectory("llava4j-demo-tokenizer"));
        try {
            for (String name : List.of("tokenizer_config.json", "special_tokens_map.json", "NOTICE.md")) {
                Files.copy(bundled.resolve(name), dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            for (String name : DemoTokenizer.FILES) {
                Files.deleteIfExists(bundled.resolve(name));
            }
            Files.deleteIfExists(bundled);
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(TOKENIZER_JSON).toFile(), tokenizerJson());
        remap.write(dir.resolve(REMAP_JSON));
        return dir;
    }

    /** An HF fast-tokenizer file equivalent to LLaMA's (legacy normalizer, byte fallback) over the small vocab. */
    ObjectNode tokenizerJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int small : new int[] {VocabRemap.UNK, VocabRemap.BOS, VocabRemap.EOS}) {
            ObjectNode t = added.addObject();
            t.put("id", small);
            t.put("content", llama.piece(remap.toLlama(small)));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", SPACE);
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPACE);
        root.putNull("pre_tokenizer");
        root.set("post_processor", postProcessor(om));
        root.set("decoder", decoder(om));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", llama.piece(remap.toLlama(VocabRemap.UNK)));
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        for (int s = 0; s < remap.size(); s++) {
            vocab.put(llama.piece(remap.toLlama(s)), s);
        }
        ArrayNode merges = model.putArray("merges");
        merges(merges);
        return root;
    }

    /** Every split of every normal piece into two pieces of the vocabulary, ranked by the merged piece's LLaMA id. */
    private void merges(ArrayNode out) {
        Set<String> known = new HashSet<>();
        for (int s = 0; s < remap.size(); s++) {
            known.add(llama.piece(remap.toLlama(s)));
        }
        for (int s = 0; s < remap.size(); s++) { // small ids ascend with LLaMA ids, so this is LLaMA's rank order
            int id = remap.toLlama(s);
            if (!isNormal(llama, id)) {
                continue;
            }
            String piece = llama.piece(id);
            for (int k = piece.offsetByCodePoints(0, 1); k < piece.length(); k = piece.offsetByCodePoints(k, 1)) {
                String left = piece.substring(0, k);
                String right = piece.substring(k);
                if (known.contains(left) && known.contains(right)) {
                    out.add(left + " " + right);
                }
            }
        }
    }

    private static ObjectNode postProcessor(ObjectMapper om) {
        ObjectNode p = om.createObjectNode();
        p.put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = p.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = p.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(VocabRemap.BOS);
        bos.putArray("tokens").add("<s>");
        return p;
    }

    private static ObjectNode decoder(ObjectMapper om) {
        ObjectNode d = om.createObjectNode();
        d.put("type", "Sequence");
        ArrayNode list = d.putArray("decoders");
        ObjectNode replace = list.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", SPACE);
        replace.put("content", " ");
        list.addObject().put("type", "ByteFallback");
        list.addObject().put("type", "Fuse");
        list.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        return d;
    }

    /**
     * Throws unless {@code small} encodes to the remapped LLaMA ids: {@code llamaIds.get(i)} and
     * {@code smallIds.get(i)} are the same text encoded by the two tokenizers; {@code names.get(i)} says which.
     */
    public void checkSameSegmentation(List<int[]> llamaIds, List<int[]> smallIds, List<String> names) {
        if (llamaIds.size() != smallIds.size() || names.size() != llamaIds.size()) {
            throw new IllegalArgumentException(llamaIds.size() + " LLaMA encodings, " + smallIds.size()
                    + " small encodings and " + names.size() + " names");
        }
        for (int i = 0; i < llamaIds.size(); i++) {
            int[] expected = remap.toSmall(llamaIds.get(i));
            if (!Arrays.equals(expected, smallIds.get(i))) {
                throw new IllegalStateException("the demo tokenizer segments " + names.get(i)
                        + " differently from LLaMA: expected small ids " + Arrays.toString(expected) + ", got "
                        + Arrays.toString(smallIds.get(i)));
            }
        }
    }
}
