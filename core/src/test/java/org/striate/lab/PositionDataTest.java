package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Dataset;

class PositionDataTest {

    @Test
    void classesAreBalancedAndThePatternSitsInTheLabelledQuadrant() {
        Dataset d = PositionData.generate(40, 3);
        assertEquals(40, d.size());
        assertArrayEquals(new int[] {1, 20, 20}, d.sampleShape());
        int[] counts = new int[4];
        for (int i = 0; i < d.size(); i++) {
            int label = d.labels()[i];
            counts[label]++;
            int[] at = PositionData.corner(label);
            // the cross: four arms at 1, background (< NOISE) in its centre and corners
            assertEquals(1f, d.images().get(i, 0, at[0], at[1] + 1));
            assertEquals(1f, d.images().get(i, 0, at[0] + 1, at[1]));
            assertEquals(1f, d.images().get(i, 0, at[0] + 1, at[1] + 2));
            assertEquals(1f, d.images().get(i, 0, at[0] + 2, at[1] + 1));
            assertTrue(d.images().get(i, 0, at[0] + 1, at[1] + 1) < PositionData.NOISE);
            int ones = 0;
            for (int p = 0; p < 400; p++) if (d.images().data[i * 400 + p] == 1f) ones++;
            assertEquals(4, ones, "one pattern per image");
        }
        assertArrayEquals(new int[] {10, 10, 10, 10}, counts);
        assertArrayEquals(new int[] {4, 13}, PositionData.corner(1));
        assertArrayEquals(new int[] {13, 4}, PositionData.corner(2));
    }

    @Test
    void theSameSeedGivesTheSameData() {
        assertArrayEquals(PositionData.generate(12, 5).images().data, PositionData.generate(12, 5).images().data);
        assertArrayEquals(PositionData.generate(12, 5).labels(), PositionData.generate(12, 5).labels());
    }

    @Test
    void rejectsAnEmptyRequest() {
        assertThrows(StriateException.class, () -> PositionData.generate(0, 1));
    }
}
