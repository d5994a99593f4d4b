package dev.llava4j.llava.train;

import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.tensor.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * LLaVA's {@code group_by_modality_length} order (LLAVA_SPEC 6.6) for one process ({@code world_size = 1}).
 *
 * <p>Each sample has a signed length: its word count, positive with an image, negative text-only. Within each
 * modality the indices are shuffled, cut into megabatches of {@code megabatchSize} (per-device batch times
 * gradient accumulation) and each megabatch is sorted longest first, so one optimizer step sees one modality
 * and similar lengths. The full megabatches of both modalities are shuffled together; the last megabatch of
 * each modality (possibly partial) is merged, sorted by index, and comes at the very end.
 *
 * <p>Randomness comes from one {@link Generator} per epoch (mm permutation, text permutation, megabatch
 * permutation, in that order), so the order is fixed by (seed, epoch) but is not the same as PyTorch's.
 * When all samples share one modality LLaVA falls back to plain length grouping, where it sorts text-only
 * samples by their negative length (shortest first); here both modalities sort by word count, longest first.
 */
public final class LengthGroupedSampler implements IndexSampler {

    private final int[] lengths;
    private final int megabatchSize;
    private final long seed;

    /**
     * @param modalityLengths per sample: word count, negated for text-only samples; never 0
     * @param megabatchSize   samples per optimizer step (batch size times gradient accumulation)
     */
    public LengthGroupedSampler(int[] modalityLengths, int megabatchSize, long seed) {
        if (megabatchSize < 1) {
            throw new IllegalArgumentException("megabatch size must be positive, got " + megabatchSize);
        }
        for (int i = 0; i < modalityLengths.length; i++) {
            if (modalityLengths[i] == 0) {
                throw new IllegalArgumentException("sample " + i + " has length 0; lengths are signed word counts"
                        + " (positive with an image, negative without) and must not be 0");
            }
        }
        this.lengths = modalityLengths.clone();
        this.megabatchSize = megabatchSize;
        this.seed = seed;
    }

    /**
     * LLaVA's {@code modality_lengths}: the number of whitespace-separated words over all turns, negated for
     * text-only records. A record without a single word is rejected (LLaVA asserts on zero lengths).
     */
    public static int[] modalityLengths(List<LlavaRecord> records) {
        int[] out = new int[records.size()];
        for (int i = 0; i < out.length; i++) {
            LlavaRecord r = records.get(i);
            int words = 0;
            for (LlavaRecord.Message m : r.conversations()) {
                words += wordCount(m.value());
            }
            if (words == 0) {
                throw new IllegalArgumentException("record '" + r.id() + "' (index " + i
                        + ") has no words in its conversations; the length-grouped sampler cannot place it");
            }
            out[i] = r.hasImage() ? words : -words;
        }
        return out;
    }

    /** {@code len(text.split())} in Python: runs of whitespace separate words. */
    public static int wordCount(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = isPythonSpace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }

    /** Python's {@code str.isspace()} for one UTF-16 unit (all such characters are in the BMP). */
    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    @Override
    public int size() {
        return lengths.length;
    }

    public int megabatchSize() {
        return megabatchSize;
    }

    @Override
    public int[] order(int epoch) {
        Generator random = EpochRandom.forEpoch(seed, epoch);
        int[] multimodal = indicesWhere(true);
        int[] textOnly = indicesWhere(false);
        if (multimodal.length == 0 || textOnly.length == 0) {
            return flatten(megabatches(multimodal.length == 0 ? textOnly : multimodal, random));
        }
        List<int[]> mm = megabatches(multimodal, random);
        List<int[]> lang = megabatches(textOnly, random);

        // The two (possibly partial) last megabatches are merged and go last, sorted by index.
        int[] lastMm = mm.removeLast();
        int[] lastLang = lang.removeLast();
        int[] leftover = new int[lastMm.length + lastLang.length];
        System.arraycopy(lastMm, 0, leftover, 0, lastMm.length);
        System.arraycopy(lastLang, 0, leftover, lastMm.length, lastLang.length);
        Arrays.sort(leftover);

        List<int[]> full = new ArrayList<>(mm);
        full.addAll(lang);
        int[] shuffled = Permutations.random(full.size(), random);
        List<int[]> ordered = new ArrayList<>(full.size() + 1);
        for (int k : shuffled) {
            ordered.add(full.get(k));
        }
        ordered.add(leftover);
        return flatten(ordered);
    }

    private int[] indicesWhere(boolean withImage) {
        return IntStream.range(0, lengths.length)
                .filter(i -> (lengths[i] > 0) == withImage)
                .toArray();
    }

    /** Shuffles {@code indices}, cuts them into megabatches and sorts each longest first (stable on ties). */
    private List<int[]> megabatches(int[] indices, Generator random) {
        int[] perm = Permutations.random(indices.length, random);
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < perm.length; start += megabatchSize) {
            int end = Math.min(start + megabatchSize, perm.length);
            Integer[] mb = new Integer[end - start];
            for (int k = start; k < end; k++) {
                mb[k - start] = indices[perm[k]];
            }
            Arrays.sort(mb, Comparator.comparingInt((Integer i) -> Math.abs(lengths[i])).reversed());
            out.add(Arrays.stream(mb).mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    private static int[] flatten(List<int[]> megabatches) {
        return megabatches.stream().flatMapToInt(Arrays::stream).toArray();
    }
}
