package org.striate.data;

import org.striate.nn.Graph;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

/**
 * Per-channel statistics of images (N, C, ...) and the normalisation x' = (x − mean[c]) / std[c]
 * that a model stores with itself ({@code Graph.normalization}).
 */
public final class Normalization {
    private Normalization() {}

    /** Mean and standard deviation per channel. */
    public record ChannelStats(float[] mean, float[] std) {}

    /**
     * Population mean and standard deviation of each channel over every sample and position,
     * accumulated in double, two passes (the one-pass formula loses digits on 60 000 images). A
     * constant channel gets std 1, so normalising only centres it instead of dividing by zero.
     */
    public static ChannelStats perChannel(Dataset data) {
        Tensor x = data.images();
        if (x.rank() < 2 || x.batch() == 0) {
            throw new StriateException("Cannot compute channel statistics of images " + x + ". Expected at least one sample of shape (C, ...).");
        }
        int n = x.batch(), c = x.dim(1), plane = x.sampleSize() / c;
        float[] mean = new float[c], std = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * c + ch) * plane;
                for (int k = 0; k < plane; k++) sum += x.data[base + k];
            }
            double m = sum / ((double) n * plane);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * c + ch) * plane;
                for (int k = 0; k < plane; k++) { double d = x.data[base + k] - m; sq += d * d; }
            }
            double s = Math.sqrt(sq / ((double) n * plane));
            mean[ch] = (float) m;
            std[ch] = s > 0 ? (float) s : 1f;
        }
        return new ChannelStats(mean, std);
    }

    /** Normalises x (N, C, ...) in place; one mean/std value applies to every channel. */
    public static void applyInPlace(Tensor x, float[] mean, float[] std) {
        int n = x.batch(), c = x.rank() < 2 ? 1 : x.dim(1), plane = x.sampleSize() / c;
        if (mean.length != std.length || (mean.length != 1 && mean.length != c)) {
            throw new StriateException("Normalisation of " + mean.length + " means and " + std.length + " stds cannot apply to "
                    + c + " channels. Expected 1 or " + c + " values of each.");
        }
        for (int i = 0; i < n; i++) normalizeSample(x.data, i * c * plane, x.data, i * c * plane, c, plane, mean, std);
    }

    /**
     * dst[to + c·plane + i] = (src[from + c·plane + i] − mean[c]) / std[c] for one sample (src may be dst):
     * the one normalisation that training, evaluation, prediction and the lab all use, so a model sees
     * bit-identical inputs whichever path feeds it. One mean/std value applies to every channel.
     */
    public static void normalizeSample(float[] src, int from, float[] dst, int to, int channels, int plane, float[] mean, float[] std) {
        for (int c = 0; c < channels; c++) {
            float m = mean[mean.length == 1 ? 0 : c], d = std[std.length == 1 ? 0 : c];
            int o = c * plane;
            for (int i = 0; i < plane; i++) dst[to + o + i] = (src[from + o + i] - m) / d;
        }
    }
}
