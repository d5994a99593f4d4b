package dev.llava4j.llava.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.data.LlavaRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplersTest {

    /** 37 multimodal samples (lengths 1..37 spread around) and 23 text-only ones, interleaved. */
    private static int[] mixedLengths() {
        int[] lengths = new int[60];
        int mm = 0;
        int text = 0;
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = i % 8 < 5 && mm < 37 ? 1 + (mm++ * 7) % 37 : -(1 + (text++ * 5) % 23);
        }
        return lengths;
    }

    private static void assertPermutation(int[] order, int n) {
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertEquals(i, sorted[i], "order is not a permutation of 0.." + (n - 1));
        }
        assertEquals(n, order.length);
    }

    @Test
    void sequentialIsIdentity() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, new SequentialSampler(4).order(3));
        assertEquals(0, new SequentialSampler(0).order(0).length);
    }

    @Test
    void shuffleIsAPermutationFixedBySeedAndEpoch() {
        ShuffleSampler a = new ShuffleSampler(100, 42);
        int[] e0 = a.order(0);
        assertPermutation(e0, 100);
        assertArrayEquals(e0, new ShuffleSampler(100, 42).order(0));
        assertFalse(Arrays.equals(e0, a.order(1)), "epochs must differ");
        assertFalse(Arrays.equals(e0, new ShuffleSampler(100, 43).order(0)), "seeds must differ");
        assertFalse(Arrays.equals(e0, new SequentialSampler(100).order(0)), "must actually shuffle");
    }

    @Test
    void lengthGroupedIsAPermutationFixedBySeedAndEpoch() {
        int[] lengths = mixedLengths();
        LengthGroupedSampler s = new LengthGroupedSampler(lengths, 8, 7);
        int[] e0 = s.order(0);
        assertPermutation(e0, lengths.length);
        assertArrayEquals(e0, new LengthGroupedSampler(lengths, 8, 7).order(0));
        assertFalse(Arrays.equals(e0, s.order(1)));
        assertFalse(Arrays.equals(e0, new LengthGroupedSampler(lengths, 8, 8).order(0)));
    }

    @Test
    void megabatchesAreSingleModalitySortedAndTheLeftoversComeLast() {
        int[] lengths = mixedLengths(); // 37 mm -> 4 full + 5 left, 23 text -> 2 full + 7 left
        int mb = 8;
        for (int epoch = 0; epoch < 5; epoch++) {
            int[] order = new LengthGroupedSampler(lengths, mb, 11).order(epoch);
            int fullMegabatches = 4 + 2;
            List<Boolean> modalities = new ArrayList<>();
            for (int k = 0; k < fullMegabatches; k++) {
                boolean image = lengths[order[k * mb]] > 0;
                modalities.add(image);
                for (int j = 0; j < mb; j++) {
                    int i = order[k * mb + j];
                    assertEquals(image, lengths[i] > 0, "megabatch " + k + " mixes modalities");
                    if (j > 0) {
                        int previous = Math.abs(lengths[order[k * mb + j - 1]]);
                        assertTrue(previous >= Math.abs(lengths[i]), "megabatch " + k + " not sorted longest first");
                    }
                }
            }
            assertEquals(4, modalities.stream().filter(b -> b).count());
            int[] leftover = Arrays.copyOfRange(order, fullMegabatches * mb, order.length);
            assertEquals(5 + 7, leftover.length);
            int[] sortedLeftover = leftover.clone();
            Arrays.sort(sortedLeftover);
            assertArrayEquals(sortedLeftover, leftover, "the merged last megabatches are sorted by index");
            assertEquals(5, Arrays.stream(leftover).filter(i -> lengths[i] > 0).count());
        }
    }

    @Test
    void megabatchesOfBothModalitiesAreShuffledTogether() {
        int[] lengths = mixedLengths();
        boolean interleaved = false;
        for (int epoch = 0; epoch < 10 && !interleaved; epoch++) {
            int[] order = new LengthGroupedSampler(lengths, 8, 3).order(epoch);
            // modality sequence of the 6 full megabatches; "all mm then all text" would be 4 trues then 2 falses
            StringBuilder seq = new StringBuilder();
            for (int k = 0; k < 6; k++) {
                seq.append(lengths[order[k * 8]] > 0 ? 'I' : 'T');
            }
            interleaved = !seq.toString().equals("IIIITT");
        }
        assertTrue(interleaved, "text megabatches never appeared between image megabatches in 10 epochs");
    }

    @Test
    void singleModalitySortsEachMegabatchLongestFirst() {
        int[] lengths = {-3, -9, -1, -4, -7, -2, -8};
        int[] order = new LengthGroupedSampler(lengths, 3, 5).order(0);
        assertPermutation(order, 7);
        for (int start = 0; start < 7; start += 3) {
            for (int j = start + 1; j < Math.min(start + 3, 7); j++) {
                assertTrue(Math.abs(lengths[order[j - 1]]) >= Math.abs(lengths[order[j]]));
            }
        }
    }

    @Test
    void modalityLengthsCountWordsAndSignTextOnly() {
        List<LlavaRecord> records = List.of(
                new LlavaRecord("a", "x.png", List.of(new LlavaRecord.Message("human", "<image>\nWhat is  this?"),
                        new LlavaRecord.Message("gpt", "A\tred\u00a0circle."))),
                new LlavaRecord("b", null, List.of(new LlavaRecord.Message("human", "Hi there"),
                        new LlavaRecord.Message("gpt", "Hello"))));
        // "<image>", "What", "is", "this?" + "A", "red", "circle." (tab and no-break space separate words)
        assertArrayEquals(new int[] {7, -3}, LengthGroupedSampler.modalityLengths(records));
        assertEquals(0, LengthGroupedSampler.wordCount(" \n "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LengthGroupedSampler.modalityLengths(List.of(new LlavaRecord("empty", null,
                        List.of(new LlavaRecord.Message("human", " "), new LlavaRecord.Message("gpt", ""))))));
        assertTrue(e.getMessage().contains("'empty'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LengthGroupedSampler(new int[] {3, 0}, 2, 1));
    }
}
