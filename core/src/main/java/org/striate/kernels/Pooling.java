package org.striate.kernels;

import java.util.Arrays;

/**
 * Pooling on one (sample, channel) plane at a time, so planes can be split over threads; same rules
 * as {@link ScalarKernels}, written independently of it (tap by tap where the reference goes cell by
 * cell), so the tests that compare the two compare two implementations: padding never wins, averages
 * count only cells inside the input unless the geometry counts padding, ties go to the first cell in window order. The common 2×2
 * stride-2 max pool is in {@link SimdPool}.
 */
final class Pooling {
    private Pooling() {}

    /**
     * Tap by tap rather than cell by cell (the scalar reference's order): for each output row, every
     * window tap (l, m) sweeps the run of output columns whose cell it lands inside the input. For a
     * given cell the taps still come in window order, so the first cell wins ties as in the reference.
     */
    static void forwardPlane(PoolGeometry g, int nc, float[] x, float[] y, int[] arg) {
        int oh = g.outH(), ow = g.outW(), inW = g.inW(), base = nc * g.inH() * inW;
        PoolGeometry.Kind kind = g.kind();
        float start = kind == PoolGeometry.Kind.MIN ? Float.POSITIVE_INFINITY : kind == PoolGeometry.Kind.MAX ? Float.NEGATIVE_INFINITY : 0f;
        for (int i = 0; i < oh; i++) {
            int row = (nc * oh + i) * ow;
            Arrays.fill(y, row, row + ow, start);
            if (kind != PoolGeometry.Kind.AVG) Arrays.fill(arg, row, row + ow, -1);
            for (int l = 0; l < g.kH(); l++) {
                int r = i * g.strideH() - g.padH() + l;
                if (r < 0 || r >= g.inH()) continue;
                for (int m = 0; m < g.kW(); m++) {
                    int shift = m - g.padW(), j0 = firstColumn(shift, g.strideW()), j1 = Math.min(ow - 1, Math.floorDiv(inW - 1 - shift, g.strideW()));
                    for (int j = j0; j <= j1; j++) {
                        int at = r * inW + j * g.strideW() + shift;
                        float v = x[base + at];
                        int yi = row + j;
                        switch (kind) {
                            case MAX -> { if (arg[yi] < 0 || v > y[yi]) { y[yi] = v; arg[yi] = at; } }
                            case MIN -> { if (arg[yi] < 0 || v < y[yi]) { y[yi] = v; arg[yi] = at; } }
                            case AVG -> y[yi] += v;
                        }
                    }
                }
            }
            if (kind == PoolGeometry.Kind.AVG) {
                int rows = insideCount(i, g.strideH(), g.padH(), g.kH(), g.inH());
                for (int j = 0; j < ow; j++) {
                    int count = g.divisor(rows * insideCount(j, g.strideW(), g.padW(), g.kW(), inW));
                    y[row + j] = count == 0 ? 0 : y[row + j] / count;
                }
            }
        }
    }

    /** The first output column j ≥ 0 with j·stride + shift ≥ 0. */
    private static int firstColumn(int shift, int stride) { return Math.max(0, Math.floorDiv(-shift + stride - 1, stride)); }

    /** How many of a window's cells along one axis lie inside an input of size n: the average's divisor. */
    private static int insideCount(int o, int stride, int pad, int k, int n) {
        int from = o * stride - pad;
        return Math.max(0, Math.min(n, from + k) - Math.max(0, from));
    }

    /**
     * dx of plane nc; with {@code reluOut} (the input of the pooling, a ReLU's output) cells where it
     * is ≤ 0 get no gradient, which is the ReLU's backward done in the same pass.
     */
    static void backwardPlane(PoolGeometry g, int nc, float[] dy, int[] arg, float[] reluOut, float[] dx) {
        int oh = g.outH(), ow = g.outW(), plane = g.inH() * g.inW();
        Arrays.fill(dx, nc * plane, (nc + 1) * plane, 0f);
        int yBase = nc * oh * ow;
        if (g.kind() != PoolGeometry.Kind.AVG) {
            int base = nc * plane;
            if (reluOut == null) {
                for (int yi = yBase; yi < yBase + oh * ow; yi++) dx[base + arg[yi]] += dy[yi];
            } else {
                for (int yi = yBase; yi < yBase + oh * ow; yi++) {
                    int at = base + arg[yi];
                    if (reluOut[at] > 0) dx[at] += dy[yi];
                }
            }
            return;
        }
        for (int i = 0; i < oh; i++) {
            int rows = insideCount(i, g.strideH(), g.padH(), g.kH(), g.inH());
            for (int l = 0; l < g.kH(); l++) {
                int r = i * g.strideH() - g.padH() + l;
                if (r < 0 || r >= g.inH()) continue;
                // taps right to left: each input cell then hears its output cells left to right, as in the reference
                for (int m = g.kW() - 1; m >= 0; m--) {
                    int shift = m - g.padW(), j0 = firstColumn(shift, g.strideW()), j1 = Math.min(ow - 1, Math.floorDiv(g.inW() - 1 - shift, g.strideW()));
                    for (int j = j0; j <= j1; j++) {
                        int count = g.divisor(rows * insideCount(j, g.strideW(), g.padW(), g.kW(), g.inW()));
                        dx[nc * plane + r * g.inW() + j * g.strideW() + shift] += dy[yBase + i * ow + j] / count;
                    }
                }
            }
        }
        if (reluOut != null) {
            for (int i = nc * plane; i < (nc + 1) * plane; i++) if (!(reluOut[i] > 0)) dx[i] = 0f;
        }
    }
}
