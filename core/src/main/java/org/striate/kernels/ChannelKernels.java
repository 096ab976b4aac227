package org.striate.kernels;

/**
 * Loops over the planes of a channel-first batch x (N, C, S), where S is the product of the spatial
 * sizes (H·W for images, 1 for flat features): global average pooling, batch normalisation and the
 * per-channel affine map.
 * Sums are kept in double so that statistics over large batches stay exact to float precision.
 */
public final class ChannelKernels {
    private ChannelKernels() {}

    /** y (N, C) writes the mean of each plane of x (N, C, S). */
    public static void globalAvgPoolForward(int batch, int channels, int plane, float[] x, float[] y) {
        for (int nc = 0; nc < batch * channels; nc++) {
            double sum = 0;
            for (int s = 0; s < plane; s++) sum += x[nc * plane + s];
            y[nc] = (float) (sum / plane);
        }
    }

    /** dx (N, C, S) writes dy[n, c] / S into every cell of its plane. */
    public static void globalAvgPoolBackward(int batch, int channels, int plane, float[] dy, float[] dx) {
        for (int nc = 0; nc < batch * channels; nc++) {
            float share = dy[nc] / plane;
            for (int s = 0; s < plane; s++) dx[nc * plane + s] = share;
        }
    }

    /** mean[c] and var[c] write the batch statistics of channel c over N and S (variance biased, ÷ N·S). */
    public static void batchStatistics(int batch, int channels, int plane, float[] x, float[] mean, float[] var) {
        double count = (double) batch * plane;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * plane;
                for (int s = 0; s < plane; s++) sum += x[base + s];
            }
            double m = sum / count, sq = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * plane;
                for (int s = 0; s < plane; s++) {
                    double d = x[base + s] - m;
                    sq += d * d;
                }
            }
            mean[c] = (float) m;
            var[c] = (float) (sq / count);
        }
    }

    /** y writes γ[c] · (x − mean[c]) · invStd[c] + β[c]; γ and β are read from the parameter buffer. */
    public static void batchNormForward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                        float[] params, int gammaOff, int betaOff, float[] y) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int base = (n * channels + c) * plane;
                float scale = params[gammaOff + c] * invStd[c];
                float shift = params[betaOff + c] - mean[c] * scale;
                for (int s = 0; s < plane; s++) y[base + s] = x[base + s] * scale + shift;
            }
        }
    }

    /**
     * dγ accumulates Σ dy·x̂ and dβ accumulates Σ dy per channel; dx writes the input gradient.
     * With batch statistics the mean and variance depend on x as well, which gives
     * dx = γ·invStd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)), M = N·S; with fixed (running) statistics
     * dx = γ·invStd·dy.
     */
    public static void batchNormBackward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                         float[] params, int gammaOff, float[] dy, boolean batchStats,
                                         float[] dx, float[] grads, int dGammaOff, int dBetaOff) {
        double count = (double) batch * plane;
        for (int c = 0; c < channels; c++) {
            double sumDy = 0, sumDyXhat = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * plane;
                for (int s = 0; s < plane; s++) {
                    double xhat = (x[base + s] - mean[c]) * invStd[c];
                    sumDy += dy[base + s];
                    sumDyXhat += dy[base + s] * xhat;
                }
            }
            grads[dGammaOff + c] += (float) sumDyXhat;
            grads[dBetaOff + c] += (float) sumDy;
            double k = params[gammaOff + c] * invStd[c];
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * plane;
                for (int s = 0; s < plane; s++) {
                    if (!batchStats) {
                        dx[base + s] = (float) (k * dy[base + s]);
                        continue;
                    }
                    double xhat = (x[base + s] - mean[c]) * invStd[c];
                    dx[base + s] = (float) (k / count * (count * dy[base + s] - sumDy - xhat * sumDyXhat));
                }
            }
        }
    }

    /** y[n, c, ·] += bias[bOff + c] over each channel plane. */
    public static void addBias(int batch, int channels, int plane, float[] bias, int bOff, float[] y) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                float b = bias[bOff + c];
                int base = (n * channels + c) * plane;
                for (int i = 0; i < plane; i++) y[base + i] += b;
            }
        }
    }

    /** db[dbOff + c] += Σ over the batch and the plane of dy[n, c, ·]: the gradient of a per-channel bias. */
    public static void sumPerChannel(int batch, int channels, int plane, float[] dy, float[] db, int dbOff) {
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * plane;
                for (int i = 0; i < plane; i++) sum += dy[base + i];
            }
            db[dbOff + c] += (float) sum;
        }
    }

    /** y writes x · params[scaleOff + c] + params[shiftOff + c] over each channel plane. */
    public static void affineForward(int batch, int channels, int plane, float[] x, float[] params, int scaleOff, int shiftOff, float[] y) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                float scale = params[scaleOff + c], shift = params[shiftOff + c];
                int base = (n * channels + c) * plane;
                for (int s = 0; s < plane; s++) y[base + s] = x[base + s] * scale + shift;
            }
        }
    }

    /**
     * The scale's gradient accumulates Σ dy·x and the shift's Σ dy per channel; dx, unless null,
     * writes dy · scale[c].
     */
    public static void affineBackward(int batch, int channels, int plane, float[] x, float[] params, int scaleOff, float[] dy,
                                      float[] dx, float[] grads, int dScaleOff, int dShiftOff) {
        for (int c = 0; c < channels; c++) {
            double sumDy = 0, sumDyX = 0;
            float scale = params[scaleOff + c];
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * plane;
                for (int s = 0; s < plane; s++) {
                    sumDy += dy[base + s];
                    sumDyX += (double) dy[base + s] * x[base + s];
                    if (dx != null) dx[base + s] = dy[base + s] * scale;
                }
            }
            grads[dScaleOff + c] += (float) sumDyX;
            grads[dShiftOff + c] += (float) sumDy;
        }
    }
}
