package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;

class VerdictTest {

    @Test
    void aPairedDifferenceCountsOnlyWhenItsIntervalExcludesZero() {
        double[] mlp = {0.80, 0.81, 0.79, 0.80, 0.82};
        // always 0.02 better, with a little spread: the interval of the differences is above zero
        assertEquals(Verdict.HOLDS, Verdict.exceeds(new double[] {0.82, 0.83, 0.81, 0.825, 0.835}, mlp, 0.005));
        // always worse
        assertEquals(Verdict.DOES_NOT_HOLD, Verdict.exceeds(new double[] {0.78, 0.79, 0.77, 0.78, 0.80}, mlp, 0.005));
        // better on some seeds, worse on others, by a lot: too wide to tell
        assertEquals(Verdict.NOT_RESOLVED, Verdict.exceeds(new double[] {0.85, 0.76, 0.84, 0.75, 0.83}, mlp, 0.005));
        // the same within ±0.001 on every seed: precisely no difference worth the name
        assertEquals(Verdict.DOES_NOT_HOLD, Verdict.exceeds(new double[] {0.801, 0.809, 0.791, 0.800, 0.821}, mlp, 0.005));
        assertEquals(Verdict.NOT_RESOLVED, Verdict.exceeds(new double[] {0.801, 0.809, 0.791, 0.800, 0.821}, mlp, 0));
    }

    @Test
    void pairingCancelsWhatTheRunsOfASeedShare() {
        // each seed's subset is easier or harder for both models; B is 0.01 better on every one of them
        double[] a = {0.70, 0.80, 0.75, 0.85, 0.72}, b = {0.71, 0.81, 0.76, 0.86, 0.73};
        assertEquals(Verdict.HOLDS, Verdict.exceeds(b, a, 0.005));
        // unpaired, the two intervals overlap and nothing can be said
        assertEquals(Verdict.NOT_RESOLVED, Verdict.smaller(Interval.t95(a), Interval.t95(b)));
        Interval d = Verdict.difference(b, a);
        assertEquals(0.01, d.mean(), 1e-12);
        assertEquals(0.01, d.low(), 1e-9);
    }

    @Test
    void unpairedFiguresNeedIntervalsThatDoNotOverlap() {
        Interval few = new Interval(500, 300, 800, 5), many = new Interval(3000, 1500, 6000, 5), wide = new Interval(700, 100, 2000, 5);
        assertEquals(Verdict.HOLDS, Verdict.smaller(few, many));
        assertEquals(Verdict.DOES_NOT_HOLD, Verdict.smaller(many, few));
        assertEquals(Verdict.NOT_RESOLVED, Verdict.smaller(wide, many));
        Interval never = new Interval(Double.POSITIVE_INFINITY, 20000, Double.POSITIVE_INFINITY, 3);
        assertEquals(Verdict.HOLDS, Verdict.smaller(many, never));
    }

    @Test
    void boundsAndConjunctions() {
        Interval chance = new Interval(0.25, 0.24, 0.26, 5);
        assertEquals(Verdict.HOLDS, Verdict.atMost(chance, 0.3));
        assertEquals(Verdict.DOES_NOT_HOLD, Verdict.atMost(chance, 0.2));
        assertEquals(Verdict.NOT_RESOLVED, Verdict.atMost(chance, 0.25));
        assertEquals(Verdict.NOT_RESOLVED, Verdict.atMost(Interval.t95(0.1), 0.3), "one run: no interval, no verdict");
        assertEquals(Verdict.HOLDS, Verdict.all(Verdict.HOLDS, Verdict.HOLDS));
        assertEquals(Verdict.NOT_RESOLVED, Verdict.all(Verdict.HOLDS, Verdict.NOT_RESOLVED));
        assertEquals(Verdict.DOES_NOT_HOLD, Verdict.all(Verdict.NOT_RESOLVED, Verdict.DOES_NOT_HOLD, Verdict.HOLDS));
        assertThrows(StriateException.class, Verdict::all);
    }

    @Test
    void labelsAreTheWordsOfThePage() {
        assertEquals("holds", Verdict.HOLDS.label());
        assertEquals("does not hold", Verdict.DOES_NOT_HOLD.label());
        assertEquals("not resolved", Verdict.NOT_RESOLVED.label());
        for (Verdict v : Verdict.values()) assertEquals(v, Verdict.parse(v.label()));
        assertThrows(StriateException.class, () -> Verdict.parse("maybe"));
        assertThrows(StriateException.class, () -> Verdict.exceeds(new double[] {1}, new double[] {1, 2}, 0));
    }
}
