package org.striate.kernels;

import java.util.Arrays;

/**
 * The reference kernels: plain loops that read like the math, each call on the calling thread.
 * Every faster kernel is tested against these. Convolution is cross-correlation, as in the seed notes:
 * y[n,o,i,j] = b[o] + Σ_c Σ_l Σ_m x[n, c, i·s − p + l·d, j·s − p + m·d] · w[o, c, l, m].
 *
 * <p>With more than one thread they carry a pool, which only splits batches between whole passes
 * ({@code DataParallel}): where SIMD is not to be had (Java 17) training still uses every core,
 * while every kernel stays the plain loop.
 */
public class ScalarKernels implements Kernels, AutoCloseable {
    private final Parallel pool;

    /** One thread: the reference, used by the tests. */
    public ScalarKernels() { this(1); }

    public ScalarKernels(int threads) { this.pool = threads > 1 ? new Parallel(threads) : null; }

    @Override
    public String name() { return pool == null ? "scalar" : "scalar " + pool.threads() + " threads"; }

    @Override
    public Parallel pool() { return pool; }

    /** Stops the pool's idle workers; called when another kernel set replaces this one. */
    @Override
    public void close() { if (pool != null) pool.close(); }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0 ? sum : sum + beta * c[ci];
            }
        }
    }

    @Override
    public void conv2dForward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        int oh = g.outH(), ow = g.outW();
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outC(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) y[((n * g.outC() + o) * oh + i) * ow + j] = convAt(g, n, o, i, j, x, w, wOff, bias, bOff);
                }
            }
        }
    }

    /** Output (i, j) of channel o of sample n: the bias plus every tap's product, in tap order. */
    private static float convAt(ConvGeometry g, int n, int o, int i, int j, float[] x, float[] w, int wOff, float[] bias, int bOff) {
        int cg = g.inPerGroup(), c0 = (o / g.outPerGroup()) * cg;
        float sum = bias == null ? 0 : bias[bOff + o];
        for (int c = 0; c < cg; c++) {
            for (int l = 0; l < g.kH(); l++) {
                int r = i * g.strideH() - g.padH() + l * g.dilH();
                if (r < 0 || r >= g.inH()) continue;
                for (int m = 0; m < g.kW(); m++) {
                    int col = j * g.strideW() - g.padW() + m * g.dilW();
                    if (col < 0 || col >= g.inW()) continue;
                    sum += x[((n * g.inC() + c0 + c) * g.inH() + r) * g.inW() + col]
                            * w[wOff + ((o * cg + c) * g.kH() + l) * g.kW() + m];
                }
            }
        }
        return sum;
    }

    @Override
    public void conv2dForwardReluMaxPool(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        int ph = g.outH() / 2, pw = g.outW() / 2;
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outC(); o++) {
                for (int i = 0; i < ph; i++) {
                    for (int j = 0; j < pw; j++) {
                        float best = 0f; // the ReLU's floor
                        for (int di = 0; di < 2; di++) {
                            for (int dj = 0; dj < 2; dj++) best = Math.max(best, convAt(g, n, o, 2 * i + di, 2 * j + dj, x, w, wOff, bias, bOff));
                        }
                        y[((n * g.outC() + o) * ph + i) * pw + j] = best;
                    }
                }
            }
        }
    }

    @Override
    public void conv2dForwardReluMaxPoolArg(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff,
                                            float[] y, int[] arg) {
        int ph = g.outH() / 2, pw = g.outW() / 2, ow = g.outW();
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outC(); o++) {
                for (int i = 0; i < ph; i++) {
                    for (int j = 0; j < pw; j++) {
                        float best = 0f;
                        int at = -1;
                        for (int q = 0; q < 4; q++) {  // window order; the first largest wins
                            int r = 2 * i + q / 2, c = 2 * j + q % 2;
                            float v = Math.max(convAt(g, n, o, r, c, x, w, wOff, bias, bOff), 0f);
                            if (at < 0 || v > best) { best = v; at = r * ow + c; }
                        }
                        int yi = ((n * g.outC() + o) * ph + i) * pw + j;
                        y[yi] = best;
                        arg[yi] = at;
                    }
                }
            }
        }
    }

    @Override
    public void conv2dBackwardParamsMaxPooled(ConvGeometry g, int batch, float[] x, float[] dy, float[] y, int[] arg,
                                              float[] dw, int dwOff, float[] dbias, int dbOff) {
        int pooled = (g.outH() / 2) * (g.outW() / 2), ow = g.outW();
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outC(); o++) {
                for (int p = 0; p < pooled; p++) {
                    int yi = (n * g.outC() + o) * pooled + p;
                    if (!(y[yi] > 0)) continue;  // the ReLU passed nothing back here
                    if (dbias != null) dbias[dbOff + o] += dy[yi];
                    accumulateWindow(g, n, o, arg[yi] / ow, arg[yi] % ow, dy[yi], x, dw, dwOff);
                }
            }
        }
    }

    @Override
    public void conv2dBackwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx) {
        int oh = g.outH(), ow = g.outW(), cg = g.inPerGroup(), og = g.outPerGroup();
        Arrays.fill(dx, 0, batch * g.inSize(), 0f);
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outC(); o++) {
                int c0 = (o / og) * cg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float d = dy[((n * g.outC() + o) * oh + i) * ow + j];
                        for (int c = 0; c < cg; c++) {
                            for (int l = 0; l < g.kH(); l++) {
                                int r = i * g.strideH() - g.padH() + l * g.dilH();
                                if (r < 0 || r >= g.inH()) continue;
                                for (int m = 0; m < g.kW(); m++) {
                                    int col = j * g.strideW() - g.padW() + m * g.dilW();
                                    if (col < 0 || col >= g.inW()) continue;
                                    dx[((n * g.inC() + c0 + c) * g.inH() + r) * g.inW() + col]
                                            += d * w[wOff + ((o * cg + c) * g.kH() + l) * g.kW() + m];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** dw of output channel o accumulates d times each tap's input under output (i, j) of sample n. */
    private static void accumulateWindow(ConvGeometry g, int n, int o, int i, int j, float d, float[] x, float[] dw, int dwOff) {
        int cg = g.inPerGroup(), c0 = (o / g.outPerGroup()) * cg;
        for (int c = 0; c < cg; c++) {
            for (int l = 0; l < g.kH(); l++) {
                int r = i * g.strideH() - g.padH() + l * g.dilH();
                if (r < 0 || r >= g.inH()) continue;
                for (int m = 0; m < g.kW(); m++) {
                    int col = j * g.strideW() - g.padW() + m * g.dilW();
                    if (col < 0 || col >= g.inW()) continue;
                    dw[dwOff + ((o * cg + c) * g.kH() + l) * g.kW() + m] += d * x[((n * g.inC() + c0 + c) * g.inH() + r) * g.inW() + col];
                }
            }
        }
    }

    @Override
    public void conv2dBackwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) {
        int oh = g.outH(), ow = g.outW();
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outC(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float d = dy[((n * g.outC() + o) * oh + i) * ow + j];
                        if (dbias != null) dbias[dbOff + o] += d;
                        accumulateWindow(g, n, o, i, j, d, x, dw, dwOff);
                    }
                }
            }
        }
    }

    @Override
    public void denseForward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] b, int bOff, float[] y) {
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                float sum = b == null ? 0 : b[bOff + o];
                for (int i = 0; i < in; i++) sum += x[n * in + i] * w[wOff + o * in + i];
                y[n * out + o] = sum;
            }
        }
    }

    @Override
    public void denseBackward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] dy,
                              float[] dx, float[] dw, int dwOff, float[] db, int dbOff) {
        for (int n = 0; n < batch; n++) {
            if (dx != null) {
                for (int i = 0; i < in; i++) {
                    float sum = 0;
                    for (int o = 0; o < out; o++) sum += dy[n * out + o] * w[wOff + o * in + i];
                    dx[n * in + i] = sum;
                }
            }
            for (int o = 0; o < out; o++) {
                float d = dy[n * out + o];
                if (db != null) db[dbOff + o] += d;
                for (int i = 0; i < in; i++) dw[dwOff + o * in + i] += d * x[n * in + i];
            }
        }
    }

    @Override
    public void maxPool2dForward(PoolGeometry g, int batch, float[] x, float[] y) {
        int oh = g.outH(), ow = g.outW();
        for (int nc = 0; nc < batch * g.channels(); nc++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int l = 0; l < g.kH(); l++) {
                        int r = i * g.strideH() - g.padH() + l;
                        for (int m = 0; m < g.kW(); m++) {
                            int c = j * g.strideW() - g.padW() + m;
                            if (r >= 0 && r < g.inH() && c >= 0 && c < g.inW()) best = Math.max(best, x[(nc * g.inH() + r) * g.inW() + c]);
                        }
                    }
                    y[(nc * oh + i) * ow + j] = best;
                }
            }
        }
    }

    @Override
    public void pool2dForward(PoolGeometry g, int batch, float[] x, float[] y, int[] arg) {
        int oh = g.outH(), ow = g.outW(), plane = g.inH() * g.inW();
        for (int nc = 0; nc < batch * g.channels(); nc++) {
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
                        y[yi] = count == 0 ? 0 : sum / g.divisor(count);
                    } else {
                        y[yi] = best;
                        arg[yi] = at;
                    }
                }
            }
        }
    }

    @Override
    public void pool2dBackwardPooledRelu(PoolGeometry g, int batch, float[] dy, int[] arg, float[] y, float[] dx) {
        int pooled = g.outH() * g.outW(), plane = g.inH() * g.inW();
        Arrays.fill(dx, 0, batch * g.inSize(), 0f);
        for (int nc = 0; nc < batch * g.channels(); nc++) {
            for (int yi = nc * pooled; yi < (nc + 1) * pooled; yi++) if (y[yi] > 0) dx[nc * plane + arg[yi]] += dy[yi];
        }
    }

    @Override
    public void pool2dBackward(PoolGeometry g, int batch, float[] dy, int[] arg, float[] dx) {
        int oh = g.outH(), ow = g.outW(), plane = g.inH() * g.inW();
        Arrays.fill(dx, 0, batch * g.inSize(), 0f);
        for (int nc = 0; nc < batch * g.channels(); nc++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int yi = (nc * oh + i) * ow + j;
                    if (g.kind() != PoolGeometry.Kind.AVG) {
                        dx[nc * plane + arg[yi]] += dy[yi];
                        continue;
                    }
                    int r0 = Math.max(0, i * g.strideH() - g.padH()), r1 = Math.min(g.inH(), i * g.strideH() - g.padH() + g.kH());
                    int c0 = Math.max(0, j * g.strideW() - g.padW()), c1 = Math.min(g.inW(), j * g.strideW() - g.padW() + g.kW());
                    int count = (r1 - r0) * (c1 - c0);
                    if (count <= 0) continue;
                    float share = dy[yi] / g.divisor(count);
                    for (int r = r0; r < r1; r++) {
                        for (int col = c0; col < c1; col++) dx[nc * plane + r * g.inW() + col] += share;
                    }
                }
            }
        }
    }

    @Override
    public void reluForward(int n, float[] x, float[] y) {
        for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f);
    }

    @Override
    public void reluBackward(int n, float[] x, float[] dy, float[] dx) {
        for (int i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0f;
    }

    @Override
    public void leakyReluForward(int n, float alpha, float[] x, float[] y) { ActivationKernels.leakyReluForward(n, alpha, x, y); }

    @Override
    public void leakyReluBackward(int n, float alpha, float[] x, float[] dy, float[] dx) {
        ActivationKernels.leakyReluBackward(n, alpha, x, dy, dx);
    }

    @Override
    public void sigmoidForward(int n, float[] x, float[] y) { ActivationKernels.sigmoidForward(n, x, y); }

    @Override
    public void sigmoidBackward(int n, float[] y, float[] dy, float[] dx) { ActivationKernels.sigmoidBackward(n, y, dy, dx); }

    @Override
    public void tanhForward(int n, float[] x, float[] y) { ActivationKernels.tanhForward(n, x, y); }

    @Override
    public void tanhBackward(int n, float[] y, float[] dy, float[] dx) { ActivationKernels.tanhBackward(n, y, dy, dx); }

    @Override
    public void multiply(int n, float[] a, float[] b, float[] y) { ActivationKernels.multiply(n, a, b, y); }

    // ---- per channel and merging: the loops of ChannelKernels and MergeKernels, the SIMD twins' reference ----

    @Override
    public void batchStatistics(int batch, int channels, int plane, float[] x, float[] mean, float[] var) {
        ChannelKernels.batchStatistics(batch, channels, plane, x, mean, var);
    }

    @Override
    public void batchNormForward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                 float[] params, int gammaOff, int betaOff, float[] y) {
        ChannelKernels.batchNormForward(batch, channels, plane, x, mean, invStd, params, gammaOff, betaOff, y);
    }

    @Override
    public void batchNormBackward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                  float[] params, int gammaOff, float[] dy, boolean batchStats,
                                  float[] dx, float[] grads, int dGammaOff, int dBetaOff) {
        ChannelKernels.batchNormBackward(batch, channels, plane, x, mean, invStd, params, gammaOff, dy, batchStats, dx, grads, dGammaOff, dBetaOff);
    }

    @Override
    public void globalAvgPoolForward(int batch, int channels, int plane, float[] x, float[] y) {
        ChannelKernels.globalAvgPoolForward(batch, channels, plane, x, y);
    }

    @Override
    public void globalAvgPoolBackward(int batch, int channels, int plane, float[] dy, float[] dx) {
        ChannelKernels.globalAvgPoolBackward(batch, channels, plane, dy, dx);
    }

    @Override
    public void add(int n, float[] a, float[] b, float[] y) { MergeKernels.add(n, a, b, y); }

    @Override
    public void addRelu(int n, float[] a, float[] b, float[] y) { MergeKernels.addRelu(n, a, b, y); }

    @Override
    public void accumulate(int n, float[] x, float[] y) { MergeKernels.accumulate(n, x, y); }
}
