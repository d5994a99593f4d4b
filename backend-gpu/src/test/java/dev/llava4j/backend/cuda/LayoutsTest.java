package dev.llava4j.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LayoutsTest {

    @Test
    void contiguousOperandsCollapseToOneDim() {
        Layouts.Coalesced c = Layouts.coalesce(new int[]{2, 3, 4}, new int[]{12, 4, 1}, new int[]{12, 4, 1});
        assertArrayEquals(new int[]{24}, c.shape());
        assertArrayEquals(new int[]{1}, c.strides()[0]);
        assertArrayEquals(new int[]{1}, c.strides()[1]);
    }

    @Test
    void broadcastOperandKeepsTheDimsItNeeds() {
        // a [2,3,4] contiguous + bias [4] broadcast (strides 0,0,1): dims 0 and 1 merge (bias stride 0 = 0*3)
        Layouts.Coalesced c = Layouts.coalesce(new int[]{2, 3, 4}, new int[]{12, 4, 1}, new int[]{0, 0, 1});
        assertArrayEquals(new int[]{6, 4}, c.shape());
        assertArrayEquals(new int[]{4, 1}, c.strides()[0]);
        assertArrayEquals(new int[]{0, 1}, c.strides()[1]);
    }

    @Test
    void transposedViewIsNotMerged() {
        Layouts.Coalesced c = Layouts.coalesce(new int[]{3, 5}, new int[]{1, 3}, new int[]{5, 1});
        assertArrayEquals(new int[]{3, 5}, c.shape());
        assertArrayEquals(new int[]{1, 3}, c.strides()[0]);
    }

    @Test
    void sizeOneDimsVanishAndScalarsHaveRankZero() {
        Layouts.Coalesced c = Layouts.coalesce(new int[]{1, 7, 1}, new int[]{99, 2, 99});
        assertArrayEquals(new int[]{7}, c.shape());
        assertArrayEquals(new int[]{2}, c.strides()[0]);
        assertEquals(0, Layouts.coalesce(new int[]{1, 1}, new int[]{5, 5}).rank());
        assertEquals(0, Layouts.coalesce(new int[]{}, new int[]{}).rank());
    }

    @Test
    void tooManyUnmergeableDimsAreRejectedWithTheShape() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        int[] strides = {1, 2, 4, 8, 16, 32, 64, 128, 256};  // reversed order: nothing merges
        var e = assertThrows(UnsupportedOperationException.class, () -> Layouts.coalesce(shape, strides));
        assertEquals(true, e.getMessage().contains("[2, 2, 2, 2, 2, 2, 2, 2, 2]"), e.getMessage());
    }

    @Test
    void broadcastStridesZeroSizeOneDims() {
        assertArrayEquals(new int[]{0, 3, 0}, Layouts.broadcastStrides(new int[]{1, 4, 1}, new int[]{12, 3, 1}));
    }
}
