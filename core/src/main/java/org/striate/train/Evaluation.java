package org.striate.train;

import java.util.Locale;

/**
 * A model's figures on a labelled data set. {@code confusion[t][p]} counts samples of true class t
 * predicted as p.
 */
public record Evaluation(double accuracy, double loss, int[][] confusion) {

    public int samples() {
        int n = 0;
        for (int[] row : confusion) for (int c : row) n += c;
        return n;
    }

    /** Of the samples of class c, the share predicted as c (NaN when there are none). */
    public double recall(int c) {
        int total = 0;
        for (int v : confusion[c]) total += v;
        return total == 0 ? Double.NaN : (double) confusion[c][c] / total;
    }

    @Override
    public String toString() { return String.format(Locale.ROOT, "accuracy %.4f, loss %.4f on %d samples", accuracy, loss, samples()); }
}
