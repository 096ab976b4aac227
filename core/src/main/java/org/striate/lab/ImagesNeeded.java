package org.striate.lab;

import org.striate.StriateException;

/**
 * "How many training images does a model need to reach X% accuracy?", read off a learning curve
 * measured at a few sizes. Between two measured sizes the curve is taken as linear in log n (learning
 * curves are closer to straight lines on a log axis), and the first crossing counts. The interval comes
 * from the curves of the interval bounds: the upper curve reaches X first (fewest images the data allow),
 * the lower curve last (most), so sizes measured with fewer seeds simply widen it.
 */
public final class ImagesNeeded {
    private ImagesNeeded() {}

    /**
     * The training-set size at which {@code accuracy} first reaches {@code target}: sizes[0] when the
     * first size already does (the true figure may be smaller), +∞ when no size does.
     */
    public static double crossing(int[] sizes, double[] accuracy, double target) {
        if (sizes.length == 0 || sizes.length != accuracy.length) {
            throw new StriateException("Expected one accuracy per training-set size; received " + sizes.length + " sizes and "
                    + accuracy.length + " accuracies.");
        }
        for (int i = 0; i < sizes.length; i++) {
            if (i > 0 && sizes[i] <= sizes[i - 1]) throw new StriateException("Expected increasing training-set sizes; received "
                    + sizes[i - 1] + " then " + sizes[i] + ".");
            if (!(accuracy[i] >= target)) continue;
            if (i == 0) return sizes[0];
            double a0 = accuracy[i - 1], a1 = accuracy[i];
            if (Double.isInfinite(a0)) return sizes[i]; // no lower point to interpolate from
            double f = (target - a0) / (a1 - a0), l0 = Math.log(sizes[i - 1]), l1 = Math.log(sizes[i]);
            return Math.exp(l0 + f * (l1 - l0));
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The crossing of the mean curve, between the crossings of the upper and lower curves. */
    public static Interval of(int[] sizes, Interval[] accuracy, double target) {
        double[] mean = new double[sizes.length], low = new double[sizes.length], high = new double[sizes.length];
        int n = Integer.MAX_VALUE;
        for (int i = 0; i < sizes.length; i++) {
            mean[i] = accuracy[i].mean();
            low[i] = accuracy[i].low();
            high[i] = accuracy[i].high();
            n = Math.min(n, accuracy[i].n());
        }
        return new Interval(crossing(sizes, mean, target), crossing(sizes, high, target), crossing(sizes, low, target), n);
    }

    /** "1,234", "≤ 50" when the first size already reached it, "> 60,000" when none did. */
    public static String format(double images, int[] sizes) {
        if (Double.isInfinite(images)) return "> " + String.format("%,d", sizes[sizes.length - 1]);
        if (images <= sizes[0]) return "≤ " + String.format("%,d", sizes[0]);
        return String.format("%,d", Math.round(images));
    }
}
