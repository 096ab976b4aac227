package org.striate.lab;

import org.striate.StriateException;

/**
 * Student's t distribution, for the confidence interval of a mean over a handful of seeds. With five
 * runs the 97.5% quantile is 2.776, not the normal 1.96: using the normal value would make the interval
 * about 30% too narrow and call differences real that are not. The CDF goes through the regularised
 * incomplete beta function (continued fraction, as in Numerical Recipes §6.4); the quantile is found
 * by bisection, which is slow only by standards that do not matter here.
 */
public final class StudentT {
    private StudentT() {}

    /** P(T ≤ t) for {@code df} degrees of freedom. */
    public static double cdf(double t, double df) {
        checkDf(df);
        double x = df / (df + t * t);
        double tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /** The t with P(T ≤ t) = p, for 0 < p < 1. */
    public static double quantile(double p, double df) {
        checkDf(df);
        if (!(p > 0 && p < 1)) throw new StriateException("Invalid probability " + p + ". Expected a value strictly between 0 and 1.");
        if (p < 0.5) return -quantile(1 - p, df);
        double lo = 0, hi = 1;
        while (cdf(hi, df) < p) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (cdf(mid, df) < p) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    private static void checkDf(double df) {
        if (!(df > 0)) throw new StriateException("Invalid degrees of freedom " + df + ". Expected a value > 0 (a sample of at least two).");
    }

    /** I_x(a, b), the regularised incomplete beta function. */
    static double incompleteBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        // the continued fraction converges fast only on this side of the mean; use the symmetry otherwise
        if (x < (a + 1) / (a + b + 2)) return front * continuedFraction(x, a, b) / a;
        return 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    private static double continuedFraction(double x, double a, double b) {
        double tiny = 1e-300, c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < 1e-15) break;
        }
        return h;
    }

    /** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 digits). */
    static double logGamma(double x) {
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        x -= 1;
        double s = g[0], t = x + 7.5;
        for (int i = 1; i < g.length; i++) s += g[i] / (x + i);
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
    }
}
