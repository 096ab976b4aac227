package org.striate.kernels;

import java.util.Arrays;

/**
 * Locally connected 2-D layer: a convolution without parameter sharing. Every output cell
 * q = (o, i, j) has its own filter of inC·kH·kW weights and its own bias:
 * y[n,o,i,j] = b[o,i,j] + Σ_c Σ_l Σ_m x[n, c, i·s − p + l·d, j·s − p + m·d] · w[o,i,j, c,l,m].
 * Weights are (outC, outH, outW, inC, kH, kW) and bias (outC, outH, outW); g.groups() must be 1.
 */
public final class LocalKernels {
    private LocalKernels() {}

    /** y (N, outC, outH, outW) writes the locally connected response; bias may be null. */
    public static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        int oh = g.outH(), ow = g.outW(), cells = g.outC() * oh * ow, filter = g.inC() * g.kH() * g.kW();
        for (int n = 0; n < batch; n++) {
            for (int q = 0; q < cells; q++) {
                int i = (q / ow) % oh, j = q % ow, wq = wOff + q * filter;
                float sum = bias == null ? 0 : bias[bOff + q];
                for (int c = 0; c < g.inC(); c++) {
                    for (int l = 0; l < g.kH(); l++) {
                        int r = i * g.strideH() - g.padH() + l * g.dilH();
                        if (r < 0 || r >= g.inH()) continue;
                        for (int m = 0; m < g.kW(); m++) {
                            int col = j * g.strideW() - g.padW() + m * g.dilW();
                            if (col < 0 || col >= g.inW()) continue;
                            sum += x[((n * g.inC() + c) * g.inH() + r) * g.inW() + col] * w[wq + (c * g.kH() + l) * g.kW() + m];
                        }
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
        for (int n = 0; n < batch; n++) {
            for (int q = 0; q < cells; q++) {
                int i = (q / ow) % oh, j = q % ow, wq = wOff + q * filter;
                float d = dy[n * cells + q];
                for (int c = 0; c < g.inC(); c++) {
                    for (int l = 0; l < g.kH(); l++) {
                        int r = i * g.strideH() - g.padH() + l * g.dilH();
                        if (r < 0 || r >= g.inH()) continue;
                        for (int m = 0; m < g.kW(); m++) {
                            int col = j * g.strideW() - g.padW() + m * g.dilW();
                            if (col < 0 || col >= g.inW()) continue;
                            dx[((n * g.inC() + c) * g.inH() + r) * g.inW() + col] += d * w[wq + (c * g.kH() + l) * g.kW() + m];
                        }
                    }
                }
            }
        }
    }

    /** dw accumulates dy ⊗ x per output cell over the batch; dbias (may be null) accumulates dy. */
    public static void backwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) {
        int oh = g.outH(), ow = g.outW(), cells = g.outC() * oh * ow, filter = g.inC() * g.kH() * g.kW();
        for (int n = 0; n < batch; n++) {
            for (int q = 0; q < cells; q++) {
                int i = (q / ow) % oh, j = q % ow, wq = dwOff + q * filter;
                float d = dy[n * cells + q];
                if (dbias != null) dbias[dbOff + q] += d;
                for (int c = 0; c < g.inC(); c++) {
                    for (int l = 0; l < g.kH(); l++) {
                        int r = i * g.strideH() - g.padH() + l * g.dilH();
                        if (r < 0 || r >= g.inH()) continue;
                        for (int m = 0; m < g.kW(); m++) {
                            int col = j * g.strideW() - g.padW() + m * g.dilW();
                            if (col < 0 || col >= g.inW()) continue;
                            dw[wq + (c * g.kH() + l) * g.kW() + m] += d * x[((n * g.inC() + c) * g.inH() + r) * g.inW() + col];
                        }
                    }
                }
            }
        }
    }
}
