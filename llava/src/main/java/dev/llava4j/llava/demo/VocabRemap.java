package dev.llava4j.llava.demo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import dev.llava4j.llava.train.TrainSample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * DEMO-ONLY device: maps the few LLaMA token ids a small corpus uses onto a dense range {@code 0..size-1} and
 * back, so the demo's tiny stand-in LM (trained from scratch) needs an embedding and output layer of a few
 * hundred rows instead of 32000. The tokenizer itself is unchanged: text is encoded to LLaMA ids, mapped to
 * small ids for the model, and generated small ids are mapped back before decoding. A real LLaVA checkpoint
 * never uses this.
 *
 * <p>Small ids 0, 1, 2 are unk, BOS and EOS (as in LLaMA, so pad = unk = 0 still holds); the other ids follow
 * in ascending LLaMA order. Negative ids (the -200 image placeholder, the -100 ignored label) pass through
 * unchanged, so input ids and labels of a sample map alike.
 */
public final class VocabRemap {

    /** Small ids of the special tokens. */
    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;

    private final int[] toLlama;
    private final Map<Integer, Integer> toSmall;
    private final int baseVocabSize;

    private VocabRemap(int[] toLlama, int baseVocabSize) {
        this.toLlama = toLlama;
        this.baseVocabSize = baseVocabSize;
        this.toSmall = new HashMap<>();
        for (int s = 0; s < toLlama.length; s++) {
            if (toLlama[s] < 0 || toLlama[s] >= baseVocabSize) {
                throw new IllegalArgumentException("LLaMA id " + toLlama[s] + " (small id " + s
                        + ") is outside the vocabulary 0.." + (baseVocabSize - 1));
            }
            if (toSmall.put(toLlama[s], s) != null) {
                throw new IllegalArgumentException("LLaMA id " + toLlama[s] + " appears twice in the remap");
            }
        }
    }

    /**
     * The remap for every non-negative id in {@code sequences} (token ids of the preprocessed training
     * samples and of the prompts the demo will ask), plus unk, BOS and EOS.
     */
    public static VocabRemap build(LlamaTokenizer tokenizer, Iterable<int[]> sequences) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (int[] ids : sequences) {
            for (int id : ids) {
                if (id >= 0) {
                    if (id >= tokenizer.vocabSize()) {
                        throw new IllegalArgumentException("token id " + id + " is outside the tokenizer's vocabulary"
                                + " of " + tokenizer.vocabSize());
                    }
                    seen.add(id);
                }
            }
        }
        int[] specials = {tokenizer.unkId(), tokenizer.bosId(), tokenizer.eosId()};
        for (int id : specials) {
            seen.remove(id);
        }
        int[] toLlama = new int[specials.length + seen.size()];
        System.arraycopy(specials, 0, toLlama, 0, specials.length);
        int s = specials.length;
        for (int id : seen) {
            toLlama[s++] = id;
        }
        return new VocabRemap(toLlama, tokenizer.vocabSize());
    }

    /** Rows the stand-in model's embedding and output layers need. */
    public int size() {
        return toLlama.length;
    }

    public boolean contains(int llamaId) {
        return toSmall.containsKey(llamaId);
    }

    /** The small id of a LLaMA id; an id outside the remap is an error naming it. */
    public int toSmall(int llamaId) {
        Integer s = toSmall.get(llamaId);
        if (s == null) {
            throw new IllegalArgumentException("LLaMA token id " + llamaId + " is not in the demo vocabulary ("
                    + size() + " ids); the text uses a token the demo corpus never had");
        }
        return s;
    }

    public int toLlama(int smallId) {
        if (smallId < 0 || smallId >= toLlama.length) {
            throw new IllegalArgumentException("small id " + smallId + " is outside 0.." + (toLlama.length - 1));
        }
        return toLlama[smallId];
    }

    /** Maps LLaMA ids to small ids; negative ids stay; an unknown id is an error. */
    public int[] toSmall(int[] llamaIds) {
        int[] out = new int[llamaIds.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = llamaIds[i] < 0 ? llamaIds[i] : toSmall(llamaIds[i]);
        }
        return out;
    }

    /** As {@link #toSmall(int[])} but an id outside the remap becomes {@link #UNK} (free-form user prompts). */
    public int[] toSmallOrUnk(int[] llamaIds) {
        int[] out = new int[llamaIds.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = llamaIds[i] < 0 ? llamaIds[i] : toSmall.getOrDefault(llamaIds[i], UNK);
        }
        return out;
    }

    /** Maps small ids back to LLaMA ids; negative ids stay. */
    public int[] toLlama(int[] smallIds) {
        int[] out = new int[smallIds.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = smallIds[i] < 0 ? smallIds[i] : toLlama(smallIds[i]);
        }
        return out;
    }

    /** The sample with input ids and labels in small ids (pixels shared). */
    public TrainSample toSmall(TrainSample sample) {
        return new TrainSample(sample.id(), toSmall(sample.inputIds()), toSmall(sample.labels()),
                sample.pixelValues());
    }

    /** The LLaMA ids in small-id order (a copy). */
    public int[] llamaIds() {
        return toLlama.clone();
    }

    /** Saves the remap (with the model it belongs to). */
    public void write(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("note", "llava4j demo only: small id i is LLaMA token id llama_ids[i]");
        m.put("base_vocab_size", baseVocabSize);
        m.put("llama_ids", toLlama);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), m);
    }

    public static VocabRemap read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.path("llama_ids").isArray() || !root.path("base_vocab_size").canConvertToInt()) {
            throw new IOException(file + " needs an integer \"base_vocab_size\" and an array \"llama_ids\"");
        }
        JsonNode ids = root.get("llama_ids");
        int[] toLlama = new int[ids.size()];
        for (int i = 0; i < toLlama.length; i++) {
            if (!ids.get(i).canConvertToInt()) {
                throw new IOException(file + ": llama_ids[" + i + "] is not an integer: " + ids.get(i));
            }
            toLlama[i] = ids.get(i).intValue();
        }
        try {
            return new VocabRemap(toLlama, root.get("base_vocab_size").intValue());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VocabRemap other && Arrays.equals(toLlama, other.toLlama)
                && baseVocabSize == other.baseVocabSize;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toLlama) * 31 + baseVocabSize;
    }

    @Override
    public String toString() {
        return "VocabRemap[" + toLlama.length + " of " + baseVocabSize + " ids]";
    }
}
