package org.striate.kernels;

import java.util.Arrays;

/**
 * Locally connected 2-D layer: a convolution without parameter sharing. Every output cell
 * q = (o, i, j) has its own filter of inC·kH·kW weights and its own bias:
 * y[n,o,i,j] = b[o,i,j] + Σ_c Σ_l Σ_m x[n, c, i·s − p + l·d, j·s − p + m·d] · w[o,i,j, c,l,m].
 * Weights are (outC, outH, outW, inC, kH, kW) and bias (outC, outH, outW); g.groups() must be 1.
 *
 * <p>The loops run over output cells first and samples second: each filter is used once per sample,
 * and there are as many filters as output cells (megabytes of them), so visiting one filter for the
 * whole batch while it sits in cache is what keeps these loops from waiting on memory.
 */
public final class LocalKernels {
    private LocalKernels() {}

    /** The kernel rows (or columns) [first, last) that land inside the input for an output at {@code out}. */
    private static int first(int out, int stride, int pad, int dil) {
        int start = out * stride - pad;
        return start >= 0 ? 0 : (-start + dil - 1) / dil;
    }

    private static int last(int out, int stride, int pad, int dil, int k, int in) {
        int start = out * stride - pad;
        return Math.min(k, Math.floorDiv(in - 1 - start, dil) + 1);
    }

    /** y (N, outC, outH, outW) writes the locally connected response; bias may be null. */
    public static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        int oh = g.outH(), ow = g.outW(), cells = g.outC() * oh * ow, filter = g.inC() * g.kH() * g.kW();
        for (int q = 0; q < cells; q++) {
            int i = (q / ow) % oh, j = q % ow, wq = wOff + q * filter;
            int l0 = first(i, g.strideH(), g.padH(), g.dilH()), l1 = last(i, g.strideH(), g.padH(), g.dilH(), g.kH(), g.inH());
            int m0 = first(j, g.strideW(), g.padW(), g.dilW()), m1 = last(j, g.strideW(), g.padW(), g.dilW(), g.kW(), g.inW());
            for (int n = 0; n < batch; n++) {
                float sum = bias == null ? 0 : bias[bOff + q];
                for (int c = 0; c < g.inC(); c++) {
                    for (int l = l0; l < l1; l++) {
                        int xRow = ((n * g.inC() + c) * g.inH() + i * g.strideH() - g.padH() + l * g.dilH()) * g.inW() + j * g.strideW() - g.padW();
                        int wRow = wq + (c * g.kH() + l) * g.kW();
                        for (int m = m0; m < m1; m++) sum += x[xRow + m * g.dilW()] * w[wRow + m];
                    }
                }
                y[n * cells + q] = sum;
            }
        }
    }

    /** dx (N, inC, inH, inW) writes the gradient with respect to the input. */
    public static void backwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx) {
        int oh = g.outH(), ow = g.outW(), cells = g.outC() * oh * ow, filter = g.inC() * g.kH() * g.kW();
        Arrays.fill(dx, 0, batch * g.inSize(), 0f);
        for (int q = 0; q < cells; q++) {
            int i = (q / ow) % oh, j = q % ow, wq = wOff + q * filter;
            int l0 = first(i, g.strideH(), g.padH(), g.dilH()), l1 = last(i, g.strideH(), g.padH(), g.dilH(), g.kH(), g.inH());
            int m0 = first(j, g.strideW(), g.padW(), g.dilW()), m1 = last(j, g.strideW(), g.padW(), g.dilW(), g.kW(), g.inW());
            for (int n = 0; n < batch; n++) {
                float d = dy[n * cells + q];
                for (int c = 0; c < g.inC(); c++) {
                    for (int l = l0; l < l1; l++) {
                        int xRow = ((n * g.inC() + c) * g.inH() + i * g.strideH() - g.padH() + l * g.dilH()) * g.inW() + j * g.strideW() - g.padW();
                        int wRow = wq + (c * g.kH() + l) * g.kW();
                        for (int m = m0; m < m1; m++) dx[xRow + m * g.dilW()] += d * w[wRow + m];
                    }
                }
            }
        }
    }

    /** dw accumulates dy ⊗ x per output cell over the batch; dbias (may be null) accumulates dy. */
    public static void backwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) {
        int oh = g.outH(), ow = g.outW(), cells = g.outC() * oh * ow, filter = g.inC() * g.kH() * g.kW();
        for (int q = 0; q < cells; q++) {
            int i = (q / ow) % oh, j = q % ow, wq = dwOff + q * filter;
            int l0 = first(i, g.strideH(), g.padH(), g.dilH()), l1 = last(i, g.strideH(), g.padH(), g.dilH(), g.kH(), g.inH());
            int m0 = first(j, g.strideW(), g.padW(), g.dilW()), m1 = last(j, g.strideW(), g.padW(), g.dilW(), g.kW(), g.inW());
            for (int n = 0; n < batch; n++) {
                float d = dy[n * cells + q];
                if (dbias != null) dbias[dbOff + q] += d;
                for (int c = 0; c < g.inC(); c++) {
                    for (int l = l0; l < l1; l++) {
                        int xRow = ((n * g.inC() + c) * g.inH() + i * g.strideH() - g.padH() + l * g.dilH()) * g.inW() + j * g.strideW() - g.padW();
                        int wRow = wq + (c * g.kH() + l) * g.kW();
                        for (int m = m0; m < m1; m++) dw[wRow + m] += d * x[xRow + m * g.dilW()];
                    }
                }
            }
        }
    }
}
