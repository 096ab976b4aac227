package org.striate.kernels;

import java.util.Arrays;

/**
 * 3-D convolution (cross-correlation) over voxel volumes such as MRI scans:
 * y[n,o,a,i,j] = b[o] + Σ_c Σ_k Σ_l Σ_m x[n, c, a·sD − pD + k, i·sH − pH + l, j·sW − pW + m] · w[o, c, k, l, m].
 * Plain loops, the same structure as the 2-D reference with one more axis.
 */
public final class VolumeKernels {
    private VolumeKernels() {}

    /** Flat index of x[n, c, d, h, w] in a (N, C, D, H, W) volume. */
    private static int at(VolumeGeometry g, int n, int c, int d, int h, int w) {
        return (((n * g.inC() + c) * g.inD() + d) * g.inH() + h) * g.inW() + w;
    }

    private static int weightAt(VolumeGeometry g, int o, int c, int k, int l, int m) {
        return (((o * g.inC() + c) * g.kD() + k) * g.kH() + l) * g.kW() + m;
    }

    /** y (N, outC, outD, outH, outW) writes conv(x, w) + bias; bias may be null. */
    public static void forward(VolumeGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        int od = g.outD(), oh = g.outH(), ow = g.outW();
        int yi = 0;
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < g.outC(); o++)
                for (int a = 0; a < od; a++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) {
                            float sum = bias == null ? 0 : bias[bOff + o];
                            for (int c = 0; c < g.inC(); c++)
                                for (int k = 0; k < g.kD(); k++) {
                                    int d = a * g.strideD() - g.padD() + k;
                                    if (d < 0 || d >= g.inD()) continue;
                                    for (int l = 0; l < g.kH(); l++) {
                                        int r = i * g.strideH() - g.padH() + l;
                                        if (r < 0 || r >= g.inH()) continue;
                                        for (int m = 0; m < g.kW(); m++) {
                                            int col = j * g.strideW() - g.padW() + m;
                                            if (col < 0 || col >= g.inW()) continue;
                                            sum += x[at(g, n, c, d, r, col)] * w[wOff + weightAt(g, o, c, k, l, m)];
                                        }
                                    }
                                }
                            y[yi++] = sum;
                        }
    }

    /** dx (N, inC, inD, inH, inW) writes the gradient with respect to the input. */
    public static void backwardInput(VolumeGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx) {
        int od = g.outD(), oh = g.outH(), ow = g.outW();
        Arrays.fill(dx, 0, batch * g.inSize(), 0f);
        int yi = 0;
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < g.outC(); o++)
                for (int a = 0; a < od; a++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) {
                            float dv = dy[yi++];
                            for (int c = 0; c < g.inC(); c++)
                                for (int k = 0; k < g.kD(); k++) {
                                    int d = a * g.strideD() - g.padD() + k;
                                    if (d < 0 || d >= g.inD()) continue;
                                    for (int l = 0; l < g.kH(); l++) {
                                        int r = i * g.strideH() - g.padH() + l;
                                        if (r < 0 || r >= g.inH()) continue;
                                        for (int m = 0; m < g.kW(); m++) {
                                            int col = j * g.strideW() - g.padW() + m;
                                            if (col < 0 || col >= g.inW()) continue;
                                            dx[at(g, n, c, d, r, col)] += dv * w[wOff + weightAt(g, o, c, k, l, m)];
                                        }
                                    }
                                }
                        }
    }

    /** dw accumulates Σ dy ⊗ x over the batch; dbias (may be null) accumulates Σ dy. */
    public static void backwardParams(VolumeGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) {
        int od = g.outD(), oh = g.outH(), ow = g.outW();
        int yi = 0;
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < g.outC(); o++)
                for (int a = 0; a < od; a++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) {
                            float dv = dy[yi++];
                            if (dbias != null) dbias[dbOff + o] += dv;
                            for (int c = 0; c < g.inC(); c++)
                                for (int k = 0; k < g.kD(); k++) {
                                    int d = a * g.strideD() - g.padD() + k;
                                    if (d < 0 || d >= g.inD()) continue;
                                    for (int l = 0; l < g.kH(); l++) {
                                        int r = i * g.strideH() - g.padH() + l;
                                        if (r < 0 || r >= g.inH()) continue;
                                        for (int m = 0; m < g.kW(); m++) {
                                            int col = j * g.strideW() - g.padW() + m;
                                            if (col < 0 || col >= g.inW()) continue;
                                            dw[dwOff + weightAt(g, o, c, k, l, m)] += dv * x[at(g, n, c, d, r, col)];
                                        }
                                    }
                                }
                        }
    }
}
