package org.striate.kernels;

/**
 * Up-sampling of (N, C, H, W) planes by integer factors, forward and backward side by side.
 * Nearest copies each input cell into a factor×factor block (output (i, j) reads ⌊i/f⌋, ⌊j/f⌋).
 * Bilinear follows PyTorch's {@code align_corners=False} (ONNX {@code half_pixel}): output cell i sits
 * at source coordinate (i + ½)/f − ½, clamped at 0, and mixes the two neighbouring input cells.
 */
public final class ResizeKernels {
    private ResizeKernels() {}

    /** y (N·C planes of outH×outW) writes nearest up-sampling of x (planes of inH×inW). */
    public static void nearestForward(int planes, int inH, int inW, int fH, int fW, float[] x, float[] y) {
        int outH = inH * fH, outW = inW * fW;
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < outH; i++) {
                int src = (p * inH + i / fH) * inW, dst = (p * outH + i) * outW;
                for (int j = 0; j < outW; j++) y[dst + j] = x[src + j / fW];
            }
        }
    }

    /** dx writes the sum of dy over each input cell's block. */
    public static void nearestBackward(int planes, int inH, int inW, int fH, int fW, float[] dy, float[] dx) {
        int outH = inH * fH, outW = inW * fW;
        java.util.Arrays.fill(dx, 0, planes * inH * inW, 0f);
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < outH; i++) {
                int dst = (p * inH + i / fH) * inW, src = (p * outH + i) * outW;
                for (int j = 0; j < outW; j++) dx[dst + j / fW] += dy[src + j];
            }
        }
    }

    /** Lower source index, upper source index and weight of the upper one, for output cells 0..out−1. */
    static void taps(int in, int f, int out, int[] lo, int[] hi, float[] w) {
        for (int o = 0; o < out; o++) {
            double src = Math.max(0.0, (o + 0.5) / f - 0.5);
            int i0 = (int) src;
            lo[o] = i0;
            hi[o] = i0 < in - 1 ? i0 + 1 : i0;
            w[o] = (float) (src - i0);
        }
    }

    /** y writes bilinear up-sampling of x. */
    public static void bilinearForward(int planes, int inH, int inW, int fH, int fW, float[] x, float[] y) {
        int outH = inH * fH, outW = inW * fW;
        int[] h0 = new int[outH], h1 = new int[outH], w0 = new int[outW], w1 = new int[outW];
        float[] hl = new float[outH], wl = new float[outW];
        taps(inH, fH, outH, h0, h1, hl);
        taps(inW, fW, outW, w0, w1, wl);
        for (int p = 0; p < planes; p++) {
            int base = p * inH * inW;
            for (int i = 0; i < outH; i++) {
                int r0 = base + h0[i] * inW, r1 = base + h1[i] * inW, dst = (p * outH + i) * outW;
                float b = hl[i], a = 1 - b;
                for (int j = 0; j < outW; j++) {
                    float d = wl[j], c = 1 - d;
                    y[dst + j] = a * (c * x[r0 + w0[j]] + d * x[r0 + w1[j]]) + b * (c * x[r1 + w0[j]] + d * x[r1 + w1[j]]);
                }
            }
        }
    }

    /** dx writes the gradient of bilinear up-sampling: each output's dy shared out by its four weights. */
    public static void bilinearBackward(int planes, int inH, int inW, int fH, int fW, float[] dy, float[] dx) {
        int outH = inH * fH, outW = inW * fW;
        int[] h0 = new int[outH], h1 = new int[outH], w0 = new int[outW], w1 = new int[outW];
        float[] hl = new float[outH], wl = new float[outW];
        taps(inH, fH, outH, h0, h1, hl);
        taps(inW, fW, outW, w0, w1, wl);
        java.util.Arrays.fill(dx, 0, planes * inH * inW, 0f);
        for (int p = 0; p < planes; p++) {
            int base = p * inH * inW;
            for (int i = 0; i < outH; i++) {
                int r0 = base + h0[i] * inW, r1 = base + h1[i] * inW, src = (p * outH + i) * outW;
                float b = hl[i], a = 1 - b;
                for (int j = 0; j < outW; j++) {
                    float g = dy[src + j], d = wl[j], c = 1 - d;
                    dx[r0 + w0[j]] += a * c * g;
                    dx[r0 + w1[j]] += a * d * g;
                    dx[r1 + w0[j]] += b * c * g;
                    dx[r1 + w1[j]] += b * d * g;
                }
            }
        }
    }
}
