package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;

class IntervalTest {

    @Test
    void tQuantilesMatchTheTables() {
        // two-sided 95%: the 0.975 quantile, as printed in every statistics table
        assertEquals(12.7062, StudentT.quantile(0.975, 1), 1e-4);
        assertEquals(4.3027, StudentT.quantile(0.975, 2), 1e-4);
        assertEquals(2.7764, StudentT.quantile(0.975, 4), 1e-4);
        assertEquals(2.2622, StudentT.quantile(0.975, 9), 1e-4);
        assertEquals(2.0452, StudentT.quantile(0.975, 29), 1e-4);
        assertEquals(1.9623, StudentT.quantile(0.975, 1000), 1e-4);
        assertEquals(-2.7764, StudentT.quantile(0.025, 4), 1e-4);
        assertEquals(0.5, StudentT.cdf(0, 3), 1e-12);
        assertEquals(0.95, StudentT.cdf(2.0150, 5), 1e-4); // one-sided 95% at 5 degrees of freedom
    }

    @Test
    void logGammaOfKnownValues() {
        assertEquals(Math.log(24), StudentT.logGamma(5), 1e-12);
        assertEquals(0.5 * Math.log(Math.PI), StudentT.logGamma(0.5), 1e-12);
    }

    @Test
    void tIntervalOfOneToFive() {
        // mean 3, s = √2.5, s/√5 = 0.7071, × 2.7764 = 1.9632
        Interval i = Interval.t95(1, 2, 3, 4, 5);
        assertEquals(3, i.mean(), 1e-12);
        assertEquals(1.0368, i.low(), 1e-4);
        assertEquals(4.9632, i.high(), 1e-4);
        assertEquals(5, i.n());
        assertTrue(i.contains(3) && !i.contains(5));
        assertEquals("3.000 [1.037, 4.963]", i.format(3));
    }

    @Test
    void aConstantSampleHasAnIntervalOfWidthZero() {
        Interval t = Interval.t95(0.8, 0.8, 0.8, 0.8);
        assertEquals(0.8, t.low(), 1e-12);
        assertEquals(0.8, t.high(), 1e-12);
        Interval b = Interval.bootstrap95(new double[] {0.8, 0.8, 0.8}, 1000, 1);
        assertEquals(0.8, b.low(), 1e-12);
        assertEquals(0.8, b.high(), 1e-12);
    }

    @Test
    void oneRunHasNoInterval() {
        Interval i = Interval.t95(0.7);
        assertFalse(i.bounded());
        assertEquals(Double.NEGATIVE_INFINITY, i.low());
        assertEquals("0.70 (1 run, no interval)", i.format(2));
    }

    @Test
    void bootstrapOfTheMouseData() {
        // Efron & Tibshirani, An Introduction to the Bootstrap (1993), table 2.1: the treatment group's
        // survival times; mean 86.86, and the ideal bootstrap standard error of the mean 23.36 (the plug-in
        // s·√((n−1)/n)/√n, which their B = 1000 resamples also give).
        double[] treatment = {94, 197, 16, 38, 99, 141, 23};
        double[] means = Interval.bootstrapMeans(treatment, 20000, 7);
        double m = Interval.mean(means), ss = 0;
        for (double x : means) ss += (x - m) * (x - m);
        assertEquals(86.86, Interval.mean(treatment), 0.005);
        assertEquals(23.36, Math.sqrt(ss / (means.length - 1)), 0.4);
        Interval b = Interval.bootstrap95(treatment, 20000, 7);
        assertEquals(86.86, b.mean(), 0.005);
        // the percentile interval spans about ±1.96 standard errors (a little skewed to the right)
        assertEquals(2 * 1.96 * 23.36, b.high() - b.low(), 5);
        assertTrue(b.low() > 40 && b.low() < 50 && b.high() > 128 && b.high() < 140, b.format(1));
        // narrower than the t interval, which allows for a standard deviation estimated from seven values
        Interval t = Interval.t95(treatment);
        assertTrue(t.high() - t.low() > b.high() - b.low());
    }

    @Test
    void percentilesInterpolateBetweenOrderStatistics() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(1, Interval.percentile(sorted, 0), 0);
        assertEquals(3, Interval.percentile(sorted, 0.5), 0);
        assertEquals(1.1, Interval.percentile(sorted, 0.025), 1e-12);
        assertEquals(5, Interval.percentile(sorted, 1), 0);
    }

    @Test
    void rejectsEmptyOrNonFiniteSamples() {
        assertThrows(StriateException.class, () -> Interval.t95());
        assertThrows(StriateException.class, () -> Interval.t95(1, Double.NaN));
        assertThrows(StriateException.class, () -> Interval.bootstrap95(new double[] {1, 2}, 10, 1));
        assertThrows(StriateException.class, () -> StudentT.quantile(1, 3));
        assertThrows(StriateException.class, () -> StudentT.quantile(0.9, 0));
    }
}
