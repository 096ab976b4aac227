package org.striate.kernels;

import java.util.Random;

/**
 * Element-wise activations and dropout: plain loops, forward and backward side by side. Each
 * backward reads what its forward wrote (y for sigmoid, tanh and softmax, whose derivatives are
 * simplest in terms of the output), then writes dx.
 */
public final class ActivationKernels {
    private ActivationKernels() {}

    /** y[i] = x[i] > 0 ? x[i] : alpha·x[i] for i < n. */
    public static void leakyReluForward(int n, float alpha, float[] x, float[] y) {
        for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
    }

    /** dx[i] = dy[i] · (x[i] > 0 ? 1 : alpha). */
    public static void leakyReluBackward(int n, float alpha, float[] x, float[] dy, float[] dx) {
        for (int i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : alpha * dy[i];
    }

    /** y = 1 / (1 + e^−x), written so that neither branch overflows. */
    public static void sigmoidForward(int n, float[] x, float[] y) {
        for (int i = 0; i < n; i++) {
            double v = x[i];
            y[i] = (float) (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
        }
    }

    /** dx = dy · y · (1 − y), with y what forward wrote. */
    public static void sigmoidBackward(int n, float[] y, float[] dy, float[] dx) {
        for (int i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
    }

    public static void tanhForward(int n, float[] x, float[] y) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]);
    }

    /** dx = dy · (1 − y²), with y what forward wrote. */
    public static void tanhBackward(int n, float[] y, float[] dy, float[] dx) {
        for (int i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
    }

    /**
     * y (rows, k) = softmax of each row of x (rows, k). The row maximum is subtracted first so that
     * exp never overflows; the sum is kept in double.
     */
    public static void softmaxForward(int rows, int k, float[] x, float[] y) {
        for (int r = 0; r < rows; r++) {
            int base = r * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) max = Math.max(max, x[base + i]);
            double sum = 0;
            for (int i = 0; i < k; i++) {
                double e = Math.exp(x[base + i] - max);
                y[base + i] = (float) e;
                sum += e;
            }
            for (int i = 0; i < k; i++) y[base + i] = (float) (y[base + i] / sum);
        }
    }

    /** dx_i = y_i · (dy_i − Σ_j dy_j · y_j), row by row: the softmax Jacobian applied to dy. */
    public static void softmaxBackward(int rows, int k, float[] y, float[] dy, float[] dx) {
        for (int r = 0; r < rows; r++) {
            int base = r * k;
            double dot = 0;
            for (int i = 0; i < k; i++) dot += (double) dy[base + i] * y[base + i];
            for (int i = 0; i < k; i++) dx[base + i] = (float) (y[base + i] * (dy[base + i] - dot));
        }
    }

    /**
     * mask[i] writes 0 with probability p, else 1 / (1 − p) (inverted dropout: the expected value of
     * x·mask is x, so evaluation needs no rescaling).
     */
    public static void dropoutMask(int n, float p, Random rng, float[] mask) {
        float keep = 1f / (1f - p);
        for (int i = 0; i < n; i++) mask[i] = rng.nextFloat() < p ? 0f : keep;
    }

    /** out[i] = a[i] · b[i]: applies a dropout mask forward (x·mask) and backward (dy·mask). */
    public static void multiply(int n, float[] a, float[] b, float[] out) {
        for (int i = 0; i < n; i++) out[i] = a[i] * b[i];
    }
}
