package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;

class LearningRateScheduleTest {
    private static final double BASE = 0.1;

    @Test
    void constantIsTheBaseRate() {
        assertEquals(BASE, LearningRateSchedule.constant().rate(BASE, 7, 3, 10));
    }

    @Test
    void stepDecayMultipliesEveryKEpochs() {
        LearningRateSchedule s = LearningRateSchedule.step(2, 0.5);
        double[] expected = {0.1, 0.1, 0.05, 0.05, 0.025, 0.025};
        for (int e = 0; e < expected.length; e++) assertEquals(expected[e], s.rate(BASE, e, 9, 10), 1e-15, "epoch " + e);
    }

    @Test
    void cosineFallsToItsFloor() {
        LearningRateSchedule s = LearningRateSchedule.cosine(10, 0.01);
        assertEquals(0.1, s.rate(BASE, 0, 0, 4), 1e-15);
        assertEquals(0.055, s.rate(BASE, 5, 0, 4), 1e-15);                 // half-way: the mean of base and floor
        assertEquals(0.08681980515339463, s.rate(BASE, 2, 2, 4), 1e-15);  // e = 2.5: floor + 0.09·(1 + cos(π/4))/2
        assertEquals(0.01, s.rate(BASE, 10, 0, 4), 1e-15);
        assertEquals(0.01, s.rate(BASE, 13, 2, 4), 1e-15);
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        LearningRateSchedule s = LearningRateSchedule.warmup(2, LearningRateSchedule.constant()); // 8 steps of 4 per epoch
        assertEquals(BASE / 8, s.rate(BASE, 0, 0, 4), 1e-15);
        assertEquals(BASE * 5 / 8, s.rate(BASE, 1, 0, 4), 1e-15);
        assertEquals(BASE, s.rate(BASE, 1, 3, 4), 1e-15);
        assertEquals(BASE, s.rate(BASE, 2, 0, 4), 1e-15);
        LearningRateSchedule w = LearningRateSchedule.warmup(0.5, LearningRateSchedule.step(1, 0.1)); // 2 warm-up steps
        assertEquals(BASE / 2, w.rate(BASE, 0, 0, 4), 1e-15);
        assertEquals(BASE, w.rate(BASE, 0, 1, 4), 1e-15);
        assertEquals(BASE * 0.1, w.rate(BASE, 1, 0, 4), 1e-15);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(StriateException.class, () -> LearningRateSchedule.step(0, 0.5));
        assertThrows(StriateException.class, () -> LearningRateSchedule.step(1, 0));
        assertThrows(StriateException.class, () -> LearningRateSchedule.cosine(0, 0));
        assertThrows(StriateException.class, () -> LearningRateSchedule.cosine(5, -1));
        assertThrows(StriateException.class, () -> LearningRateSchedule.warmup(0, LearningRateSchedule.constant()));
        assertThrows(StriateException.class, () -> LearningRateSchedule.warmup(1, null));
    }
}
