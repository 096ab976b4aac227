package org.striate.kernels;

/**
 * Per-pixel loops of dense tasks over maps laid out (N, K, H, W): softmax cross-entropy with one class
 * index per pixel, and the class of each pixel. Scalar only: each pixel's K values are a plane apart,
 * and these passes are small beside the convolutions that produce the maps.
 */
public final class PixelKernels {
    private PixelKernels() {}

    /**
     * Sum over the n·plane pixels of −log softmax(z)[label], with dz = (softmax(z) − onehot(label)) · scale
     * written into {@code dz}. z and dz are (n, k, plane); labels (n, plane) hold class indices in [0, k)
     * as floats (checked by the caller). The row maximum is subtracted first, so large logits stay finite.
     */
    public static double softmaxCrossEntropy(float[] z, float[] labels, float[] dz, int n, int k, int plane, double scale) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            int base = i * k * plane;
            for (int p = 0; p < plane; p++) {
                int at = base + p;
                double max = z[at];
                for (int j = 1; j < k; j++) max = Math.max(max, z[at + j * plane]);
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.exp(z[at + j * plane] - max);
                double logSum = max + Math.log(sum);
                int label = (int) labels[i * plane + p];
                total += logSum - z[at + label * plane];
                for (int j = 0; j < k; j++) {
                    double prob = Math.exp(z[at + j * plane] - logSum);
                    dz[at + j * plane] = (float) ((prob - (j == label ? 1 : 0)) * scale);
                }
            }
        }
        return total;
    }

    /** classes[i·plane + p] = the index of the largest of the k values of pixel p of sample i (first on ties). */
    public static void argmax(float[] z, int n, int k, int plane, int[] classes) {
        for (int i = 0; i < n; i++) {
            int base = i * k * plane;
            for (int p = 0; p < plane; p++) {
                int best = 0;
                float bestValue = z[base + p];
                for (int j = 1; j < k; j++) {
                    float v = z[base + j * plane + p];
                    if (v > bestValue) { bestValue = v; best = j; }
                }
                classes[i * plane + p] = best;
            }
        }
    }
}
