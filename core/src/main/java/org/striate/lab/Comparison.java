package org.striate.lab;

import org.striate.tensor.Tensor;

/**
 * The sums behind one equivariance error: {Σ (moved − shifted reference)², Σ shifted reference², cells}
 * over the cells that can be compared. Kept apart from {@link Equivariance} so the border rules read
 * on their own.
 */
final class Comparison {
    private Comparison() {}

    /** After a global layer: the outputs themselves, all of them. */
    static double[] global(Tensor moved, Tensor reference) {
        double d = 0, r = 0;
        for (int i = 0; i < reference.size(); i++) {
            double e = moved.data[i] - reference.data[i];
            d += e * e;
            r += (double) reference.data[i] * reference.data[i];
        }
        return new double[] {d, r, reference.size()};
    }

    /**
     * An input shift of t pixels along {@code axis} (0 = H, 1 = W) seen at a layer of jump J (possibly
     * a fraction after up-sampling): the whole-cell shift t/J when it is whole, else the better of
     * ⌊t/J⌋ and ⌈t/J⌉.
     */
    static double[] best(Tensor moved, Tensor reference, int axis, int t, ShiftGeometry g, boolean circular) {
        int below = g.cellsBelow(axis, t);
        if (g.whole(axis, t)) return cells(moved, reference, axis, t, below, g, circular);
        double[] low = cells(moved, reference, axis, t, below, g, circular);
        double[] high = cells(moved, reference, axis, t, below + 1, g, circular);
        if (low[2] == 0) return high;
        if (high[2] == 0) return low;
        return ratio(low) <= ratio(high) ? low : high;
    }

    private static double ratio(double[] m) { return m[1] == 0 ? (m[0] == 0 ? 0 : Double.POSITIVE_INFINITY) : m[0] / m[1]; }

    /** Compares moved[.., p, ..] with reference[.., p − k, ..] along the axis, at the cells allowed by the border rule. */
    private static double[] cells(Tensor moved, Tensor reference, int axis, int t, int k, ShiftGeometry g, boolean circular) {
        int[] s = reference.shape();
        int planes = s[0] * s[1], h = s[2], w = s[3], size = axis == 0 ? h : w;
        boolean[] valid = new boolean[size];
        int[] source = new int[size];
        for (int p = 0; p < size; p++) {
            if (circular) {
                valid[p] = true;
                source[p] = Math.floorMod(p - k, size);
            } else {
                valid[p] = g.inside(axis, p, k, t) && p - k >= 0 && p - k < size;
                source[p] = p - k;
            }
        }
        double d = 0, r = 0;
        long n = 0;
        for (int plane = 0; plane < planes; plane++) {
            int base = plane * h * w;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int p = axis == 0 ? i : j;
                    if (!valid[p]) continue;
                    int from = axis == 0 ? base + source[p] * w + j : base + i * w + source[p];
                    double ref = reference.data[from], e = moved.data[base + i * w + j] - ref;
                    d += e * e;
                    r += ref * ref;
                    n++;
                }
            }
        }
        return new double[] {d, r, n};
    }
}
