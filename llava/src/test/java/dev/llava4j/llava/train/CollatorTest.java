package dev.llava4j.llava.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CollatorTest {

    private static final float[] IMAGE_A = {1, 2, 3};
    private static final float[] IMAGE_B = {4, 5, 6};

    private static List<TrainSample> samples() {
        return List.of(
                new TrainSample("a", new int[] {1, -200, 10, 11, 12}, new int[] {-100, -100, 10, 11, 12}, IMAGE_A),
                new TrainSample("t", new int[] {1, 20, 21}, new int[] {-100, -100, 21}, null),
                new TrainSample("b", new int[] {1, -200, 30, 31}, new int[] {-100, -100, -100, 31}, IMAGE_B));
    }

    @Test
    void keepsSamplesUnpaddedAndPadsOnRequest() {
        // pad id 9, not 0, so a missing fill (Java's default 0) would show
        TrainBatch b = new Collator(9, 2048).collate(samples());
        assertEquals(List.of("a", "t", "b"), b.sampleIds());
        assertArrayEquals(new long[] {1, 20, 21}, b.inputIds()[1]);
        assertEquals(5, b.maxLength());
        assertEquals(12, b.tokenCount());
        assertEquals(3 + 1 + 1, b.supervisedTokens());
        assertArrayEquals(new long[][] {{1, -200, 10, 11, 12}, {1, 20, 21, 9, 9}, {1, -200, 30, 31, 9}},
                b.paddedInputIds());
        assertArrayEquals(new long[][] {{-100, -100, 10, 11, 12}, {-100, -100, 21, -100, -100},
                {-100, -100, -100, 31, -100}}, b.paddedLabels());
        assertArrayEquals(new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}, {1, 1, 1, 1, 0}}, b.attentionMask());
    }

    @Test
    void imagesOfImageSamplesInBatchOrder() {
        TrainBatch b = new Collator(0, 2048).collate(samples());
        assertEquals(2, b.numImages());
        assertSame(IMAGE_A, b.pixelValues()[0]);
        assertSame(IMAGE_B, b.pixelValues()[1]);
        assertArrayEquals(new boolean[] {true, false, true}, b.hasImage());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, b.stackedPixelValues());
    }

    @Test
    void truncatesAndDropsAnImageWhosePlaceholderWasCut() {
        List<TrainSample> s = List.of(
                new TrainSample("late", new int[] {1, 5, 6, -200}, new int[] {-100, 5, 6, -100}, IMAGE_A),
                new TrainSample("early", new int[] {1, -200, 7, 8}, new int[] {-100, -100, 7, 8}, IMAGE_B));
        TrainBatch b = new Collator(7, 3).collate(s);
        assertArrayEquals(new long[] {1, 5, 6}, b.inputIds()[0]);
        assertArrayEquals(new long[] {-100, -100, 7}, b.labels()[1]);
        assertArrayEquals(new float[][] {IMAGE_B}, b.pixelValues());
        assertArrayEquals(new boolean[] {false, true}, b.hasImage());
        assertEquals(3, b.supervisedTokens());
    }

    @Test
    void rejectsEmptyBatchesAndInconsistentSamples() {
        assertThrows(IllegalArgumentException.class, () -> new Collator(0, 10).collate(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new TrainSample("x", new int[] {1, 2}, new int[] {1}, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainSample("x", new int[] {1, -200}, new int[] {-100, -100}, null));
        assertEquals("sample 'x' has 1 image placeholders (-200) but no image", e.getMessage());
    }
}
