package org.striate.lab;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.striate.StriateException;

/**
 * A mean over repeated runs (one per seed) and its 95% confidence interval [low, high]. With one run
 * there is no interval: low and high are −∞ and +∞, so nothing can be concluded from it, which is the
 * truth. The t interval assumes roughly normal runs and is the default; the percentile bootstrap
 * assumes nothing about the shape but is too narrow for very small samples (it cannot see variation the
 * few runs did not show), which is why the lab uses it only as a cross-check.
 */
public record Interval(double mean, double low, double high, int n) {

    /** The t interval: mean ± t(0.975, n−1) · s / √n. */
    public static Interval t95(double... xs) {
        check(xs);
        double m = mean(xs);
        if (xs.length < 2) return new Interval(m, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, xs.length);
        double ss = 0;
        for (double x : xs) ss += (x - m) * (x - m);
        double se = Math.sqrt(ss / (xs.length - 1) / xs.length);
        double half = StudentT.quantile(0.975, xs.length - 1) * se;
        return new Interval(m, m - half, m + half, xs.length);
    }

    /**
     * The percentile bootstrap of the mean: {@code resamples} samples of n drawn with replacement
     * (from {@code seed}), and the 2.5th and 97.5th percentiles of their means.
     */
    public static Interval bootstrap95(double[] xs, int resamples, long seed) {
        check(xs);
        if (resamples < 100) throw new StriateException("Invalid value for argument `resamples`. Expected at least 100. Received " + resamples + ".");
        double m = mean(xs);
        if (xs.length < 2) return new Interval(m, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, xs.length);
        double[] means = bootstrapMeans(xs, resamples, seed);
        Arrays.sort(means);
        return new Interval(m, percentile(means, 0.025), percentile(means, 0.975), xs.length);
    }

    /** The means of {@code resamples} bootstrap samples, in the order drawn. */
    static double[] bootstrapMeans(double[] xs, int resamples, long seed) {
        Random rng = new Random(seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            for (int i = 0; i < xs.length; i++) s += xs[rng.nextInt(xs.length)];
            means[r] = s / xs.length;
        }
        return means;
    }

    /** Linear interpolation between order statistics (the "type 7" of R and NumPy's default). */
    static double percentile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int i = (int) Math.floor(h);
        if (i + 1 >= sorted.length) return sorted[sorted.length - 1];
        return sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]);
    }

    public static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) s += x;
        return s / xs.length;
    }

    private static void check(double[] xs) {
        if (xs.length == 0) throw new StriateException("Cannot make an interval of no runs. Expected at least one value.");
        for (double x : xs) {
            if (!Double.isFinite(x)) throw new StriateException("Cannot make an interval of a value that is not finite: received " + x + ".");
        }
    }

    /** {"mean", "low", "high", "n"} for io.Json; the bounds of a single run are null (no interval). */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = org.striate.io.Json.object();
        m.put("mean", mean);
        m.put("low", low);
        m.put("high", high);
        m.put("n", n);
        return m;
    }

    public boolean bounded() { return Double.isFinite(low) && Double.isFinite(high); }

    public double halfWidth() { return (high - low) / 2; }

    public boolean contains(double v) { return v >= low && v <= high; }

    /** "0.8123 [0.8050, 0.8196]" with {@code decimals} places, or "0.8123 (1 run, no interval)". */
    public String format(int decimals) {
        String f = "%." + decimals + "f";
        if (!bounded()) return String.format(Locale.ROOT, f + " (%d run%s, no interval)", mean, n, n == 1 ? "" : "s");
        return String.format(Locale.ROOT, f + " [" + f + ", " + f + "]", mean, low, high);
    }

    /** "0.8123 ± 0.0073", shorter for tables. */
    public String formatPlusMinus(int decimals) {
        String f = "%." + decimals + "f";
        if (!bounded()) return String.format(Locale.ROOT, f + " ± ?", mean);
        return String.format(Locale.ROOT, f + " ± " + f, mean, halfWidth());
    }
}
