package org.striate.kernels;

import java.util.Arrays;

/**
 * Pooling on one (sample, channel) plane at a time, so planes can be split over threads; same rules
 * as {@link ScalarKernels}: padding never wins, averages count only cells inside the input, ties go to
 * the first cell in window order. The common 2×2 stride-2 max pool is in {@link SimdPool}.
 */
final class Pooling {
    private Pooling() {}

    static void forwardPlane(PoolGeometry g, int nc, float[] x, float[] y, int[] arg) {
        int oh = g.outH(), ow = g.outW(), plane = g.inH() * g.inW();
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                float best = g.kind() == PoolGeometry.Kind.MIN ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                float sum = 0;
                int count = 0, at = -1;
                for (int l = 0; l < g.kH(); l++) {
                    int r = i * g.strideH() - g.padH() + l;
                    if (r < 0 || r >= g.inH()) continue;
                    for (int m = 0; m < g.kW(); m++) {
                        int col = j * g.strideW() - g.padW() + m;
                        if (col < 0 || col >= g.inW()) continue;
                        float v = x[nc * plane + r * g.inW() + col];
                        sum += v;
                        count++;
                        boolean wins = switch (g.kind()) {
                            case MAX -> v > best || at < 0;
                            case MIN -> v < best || at < 0;
                            case AVG -> false;
                        };
                        if (wins) { best = v; at = r * g.inW() + col; }
                    }
                }
                int yi = (nc * oh + i) * ow + j;
                if (g.kind() == PoolGeometry.Kind.AVG) {
                    y[yi] = count == 0 ? 0 : sum / count;
                } else {
                    y[yi] = best;
                    arg[yi] = at;
                }
            }
        }
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
            for (int j = 0; j < ow; j++) {
                int r0 = Math.max(0, i * g.strideH() - g.padH()), r1 = Math.min(g.inH(), i * g.strideH() - g.padH() + g.kH());
                int c0 = Math.max(0, j * g.strideW() - g.padW()), c1 = Math.min(g.inW(), j * g.strideW() - g.padW() + g.kW());
                int count = (r1 - r0) * (c1 - c0);
                if (count <= 0) continue;
                float share = dy[yBase + i * ow + j] / count;
                for (int r = r0; r < r1; r++) {
                    for (int col = c0; col < c1; col++) dx[nc * plane + r * g.inW() + col] += share;
                }
            }
        }
        if (reluOut != null) {
            for (int i = nc * plane; i < (nc + 1) * plane; i++) if (!(reluOut[i] > 0)) dx[i] = 0f;
        }
    }
}
