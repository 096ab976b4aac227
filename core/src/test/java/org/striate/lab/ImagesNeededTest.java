package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;

class ImagesNeededTest {
    private static final int[] SIZES = {100, 1000, 10000};

    @Test
    void interpolatesInLogSize() {
        // halfway from 0.6 to 0.8 between 100 and 1000 images: √(100·1000) = 316.2
        assertEquals(Math.sqrt(1e5), ImagesNeeded.crossing(SIZES, new double[] {0.6, 0.8, 0.9}, 0.7), 1e-9);
        assertEquals(1000, ImagesNeeded.crossing(SIZES, new double[] {0.6, 0.8, 0.9}, 0.8), 1e-9);
        assertEquals(100, ImagesNeeded.crossing(SIZES, new double[] {0.6, 0.8, 0.9}, 0.5), "already there at the first size");
        assertEquals(Double.POSITIVE_INFINITY, ImagesNeeded.crossing(SIZES, new double[] {0.6, 0.8, 0.9}, 0.95));
        // the first crossing counts when the curve dips afterwards
        assertEquals(1000, ImagesNeeded.crossing(SIZES, new double[] {0.6, 0.8, 0.79}, 0.8), 1e-9);
    }

    @Test
    void theIntervalComesFromTheCurvesOfTheBounds() {
        Interval[] acc = {new Interval(0.6, 0.55, 0.65, 5), new Interval(0.8, 0.75, 0.85, 5), new Interval(0.9, 0.85, 0.95, 3)};
        Interval i = ImagesNeeded.of(SIZES, acc, 0.8);
        assertEquals(1000, i.mean(), 1e-9);
        assertEquals(Math.pow(10, 2 + 0.75), i.low(), 1e-6); // the upper curve: 0.65 → 0.85 reaches 0.8 three quarters of the way
        assertEquals(Math.sqrt(1e7), i.high(), 1e-6);        // the lower curve: 0.75 → 0.85 reaches it halfway from 1000 to 10000
        assertEquals(3, i.n());
        assertEquals("> 10,000", ImagesNeeded.format(Double.POSITIVE_INFINITY, SIZES));
        assertEquals("≤ 100", ImagesNeeded.format(100, SIZES));
        assertEquals("3,162", ImagesNeeded.format(Math.sqrt(1e7), SIZES));
    }

    @Test
    void rejectsMismatchedOrUnorderedSizes() {
        assertThrows(StriateException.class, () -> ImagesNeeded.crossing(SIZES, new double[] {0.5}, 0.5));
        assertThrows(StriateException.class, () -> ImagesNeeded.crossing(new int[] {10, 10}, new double[] {0.5, 0.6}, 0.55));
    }
}
