package org.striate.lab;

import org.striate.StriateException;

/**
 * What the measurements say about one claim: it holds, it does not hold, or the intervals are too wide
 * at this budget to tell. A difference counts only when its 95% interval says so: a claim "A beats B"
 * holds when the whole interval of A − B lies above zero, and does not hold when the whole interval
 * lies below zero, or lies inside ±{@code negligible} (a difference measured precisely and found too
 * small to matter). Anything else is not resolved: more seeds or more data could still go either way.
 */
public enum Verdict {
    HOLDS("holds"),
    DOES_NOT_HOLD("does not hold"),
    NOT_RESOLVED("not resolved");

    private final String label;

    Verdict(String label) { this.label = label; }

    /** "holds", "does not hold" or "not resolved": the words the claims page and its JSON use. */
    public String label() { return label; }

    /**
     * "a exceeds b" for paired runs (run i of both used the same seed, data and split): the t interval
     * of the differences a[i] − b[i], which cancels what the two runs of a seed share.
     */
    public static Verdict exceeds(double[] a, double[] b, double negligible) {
        return positive(difference(a, b), negligible);
    }

    /** The t interval of a[i] − b[i]. */
    public static Interval difference(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new StriateException("Paired runs must come in pairs: received " + a.length + " and " + b.length + " values.");
        }
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) d[i] = a[i] - b[i];
        return Interval.t95(d);
    }

    /** "the quantity is above zero", from its interval. */
    public static Verdict positive(Interval d, double negligible) {
        if (negligible < 0) throw new StriateException("Invalid negligible difference " + negligible + ". Expected a value >= 0.");
        if (d.low() > 0) return HOLDS;
        if (d.high() < 0 || (d.low() > -negligible && d.high() < negligible)) return DOES_NOT_HOLD;
        return NOT_RESOLVED;
    }

    /** "a is smaller than b" for figures that are not paired: only intervals that do not overlap decide. */
    public static Verdict smaller(Interval a, Interval b) {
        if (a.high() < b.low()) return HOLDS;
        if (a.low() > b.high()) return DOES_NOT_HOLD;
        return NOT_RESOLVED;
    }

    /** "x is at most bound": holds when the whole interval is at or below it, fails when the whole interval is above. */
    public static Verdict atMost(Interval x, double bound) {
        if (x.high() <= bound) return HOLDS;
        if (x.low() > bound) return DOES_NOT_HOLD;
        return NOT_RESOLVED;
    }

    /** A claim made of several parts: it holds when every part holds and fails when any part fails. */
    public static Verdict all(Verdict... parts) {
        if (parts.length == 0) throw new StriateException("A claim needs at least one part to judge.");
        boolean every = true;
        for (Verdict v : parts) {
            if (v == DOES_NOT_HOLD) return DOES_NOT_HOLD;
            every &= v == HOLDS;
        }
        return every ? HOLDS : NOT_RESOLVED;
    }

    public static Verdict parse(String label) {
        for (Verdict v : values()) if (v.label.equals(label)) return v;
        throw new StriateException("Unknown verdict '" + label + "'. Expected holds, does not hold or not resolved.");
    }
}
