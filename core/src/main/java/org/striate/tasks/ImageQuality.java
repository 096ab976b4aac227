package org.striate.tasks;

import org.striate.StriateException;

/**
 * How close an image is to a reference, for super-resolution. Images are planes of h×w values in
 * [0, 1] (data range 1).
 *
 * <ul>
 * <li>PSNR = 10 · log10(1 / MSE) in dB; +∞ for identical images.</li>
 * <li>SSIM (Wang, Bovik, Sheikh and Simoncelli 2004): at every position where the window fits inside
 * the image, weighted means μ, variances σ² and covariance σxy give
 * ((2μxμy + C1)(2σxy + C2)) / ((μx² + μy² + C1)(σx² + σy² + C2)), C1 = 0.01², C2 = 0.03²; the mean
 * over positions. The window is the paper's 11×11 Gaussian of σ = 1.5 ({@link #GAUSSIAN}), as
 * scikit-image's {@code gaussian_weights=True, use_sample_covariance=False}; the population
 * (weighted) variance is used.</li>
 * </ul>
 */
public final class ImageQuality {
    public static final double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;
    /** The 11×11 Gaussian window of σ = 1.5, weights summing to 1. */
    public static final float[] GAUSSIAN = gaussian(11, 1.5);

    private ImageQuality() {}

    /** Mean squared error over n values from the two offsets. */
    public static double mse(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) { double d = a[aOff + i] - b[bOff + i]; s += d * d; }
        return s / n;
    }

    public static double psnr(float[] a, int aOff, float[] b, int bOff, int n) {
        double m = mse(a, aOff, b, bOff, n);
        return m == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1 / m);
    }

    /** SSIM with the Gaussian window (windows of 11×11; smaller images use a window as large as they are). */
    public static double ssim(float[] x, int xOff, float[] y, int yOff, int h, int w) {
        int side = Math.min(11, Math.min(h, w));
        return ssim(x, xOff, y, yOff, h, w, side == 11 ? GAUSSIAN : gaussian(side, 1.5), side);
    }

    /** SSIM with a square window of side {@code k} whose k·k weights sum to 1. */
    public static double ssim(float[] x, int xOff, float[] y, int yOff, int h, int w, float[] window, int k) {
        if (k < 1 || k > h || k > w || window.length != k * k) {
            throw new StriateException("Invalid SSIM window of side " + k + " (" + window.length + " weights) for a " + h + "x" + w
                    + " image. Expected k*k weights and 1 <= k <= " + Math.min(h, w) + ".");
        }
        double total = 0;
        for (int r = 0; r + k <= h; r++) {
            for (int c = 0; c + k <= w; c++) {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        double wt = window[i * k + j], a = x[xOff + (r + i) * w + c + j], b = y[yOff + (r + i) * w + c + j];
                        mx += wt * a; my += wt * b; xx += wt * a * a; yy += wt * b * b; xy += wt * a * b;
                    }
                }
                double vx = xx - mx * mx, vy = yy - my * my, cov = xy - mx * my;
                total += (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
            }
        }
        return total / ((double) (h - k + 1) * (w - k + 1));
    }

    /** A k×k Gaussian of the given σ centred on the window, normalised to sum 1. */
    public static float[] gaussian(int k, double sigma) {
        double[] g = new double[k];
        double sum = 0, centre = (k - 1) / 2.0;
        for (int i = 0; i < k; i++) { g[i] = Math.exp(-(i - centre) * (i - centre) / (2 * sigma * sigma)); sum += g[i]; }
        float[] w = new float[k * k];
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) w[i * k + j] = (float) (g[i] * g[j] / (sum * sum));
        return w;
    }

    /** A k×k window of equal weights. */
    public static float[] uniform(int k) {
        float[] w = new float[k * k];
        java.util.Arrays.fill(w, 1f / (k * k));
        return w;
    }
}
