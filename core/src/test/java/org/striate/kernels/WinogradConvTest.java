package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Winograd F(2×2, 3×3) forward against a plain convolution loop on random shapes: odd and prime
 * sizes, paddings 0 to 2, maps smaller than a tile, chunks that cut samples, one to three threads, with
 * bias, ReLU and the fused 2×2 max pool; every output written once, nothing past the output touched.
 * Also the input gradient of whole batches through the kernels (a Winograd convolution of dy).
 */
class WinogradConvTest {
    private static final int SENTINEL_TAIL = 41;

    @BeforeAll
    static void needsVectors() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
    }

    @Test
    void equalsAPlainLoopOnRandomShapes() {
        Random r = new Random(33);
        Parallel[] pools = {null, new Parallel(2), new Parallel(3)};
        try {
            for (int t = 0; t < 1100; t++) {
                int inC = 16 + r.nextInt(t % 10 == 0 ? 60 : 20), outC = 16 + r.nextInt(t % 10 == 1 ? 60 : 20);
                int pad = r.nextInt(3), h = Math.max(3 - 2 * pad, 1) + r.nextInt(t % 5 == 0 ? 30 : 12);
                int w = Math.max(3 - 2 * pad, 1) + r.nextInt(t % 5 == 0 ? 30 : 12), batch = 1 + r.nextInt(3);
                ConvGeometry g = new ConvGeometry(inC, h, w, outC, 3, 3, 1, 1, pad, pad, 1, 1, 1);
                boolean relu = r.nextBoolean(), pool = r.nextInt(3) == 0 && g.outH() >= 2 && g.outW() >= 2;
                assertTrue(WinogradConv.applies(g), g::toString);
                float[] x = random(r, batch * g.inSize()), wt = random(r, g.weightSize()), bias = r.nextBoolean() ? random(r, outC + 3) : null;
                int bOff = bias == null ? 0 : r.nextInt(4);
                float[] up = new float[WinogradConv.weightsSize(g)];
                WinogradConv.transformWeights(g, wt, 0, new float[WinogradConv.scratchSize(g)], up);
                int outSize = pool ? outC * (g.outH() / 2) * (g.outW() / 2) : g.outSize();
                float[] y = new float[batch * outSize + SENTINEL_TAIL];
                java.util.Arrays.fill(y, Float.NaN);
                for (int i = batch * outSize; i < y.length; i++) y[i] = 12345f;
                WinogradConv.forward(g, batch, x, up, bias, bOff, y, relu, pool, pools[t % 3]);
                check(g, batch, x, wt, bias, bOff, relu, pool, y, outSize, "shape " + t + " " + g + " batch " + batch + " pad " + pad
                        + " relu " + relu + " pool " + pool + " threads " + (t % 3 + 1));
            }
        } finally {
            for (Parallel p : pools) if (p != null) p.close();
        }
    }

    @Test
    void chunksOfAnySizeGiveTheSameOutputs() {
        Random r = new Random(34);
        for (int t = 0; t < 60; t++) {
            int inC = 16 + r.nextInt(9), outC = 16 + r.nextInt(9), h = 2 + r.nextInt(17), w = 2 + r.nextInt(23), batch = 1 + r.nextInt(3);
            ConvGeometry g = new ConvGeometry(inC, h, w, outC, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            float[] x = random(r, batch * g.inSize()), wt = random(r, g.weightSize()), up = new float[WinogradConv.weightsSize(g)];
            WinogradConv.transformWeights(g, wt, 0, new float[WinogradConv.scratchSize(g)], up);
            int rows = batch * ((g.outH() + 1) / 2), per = 1 + r.nextInt(rows);
            float[] y = new float[batch * g.outSize() + SENTINEL_TAIL];
            java.util.Arrays.fill(y, Float.NaN);
            for (int i = batch * g.outSize(); i < y.length; i++) y[i] = 12345f;
            // the products run over whole panels: columns past a chunk's tiles hold whatever the scratch held
            java.util.Arrays.fill(Scratch.get().winogradIn(16 * inC * (rows * ((g.outW() + 1) / 2) + 64)), Float.NaN);
            for (int r0 = 0; r0 < rows; r0 += per) WinogradConv.chunk(g, batch, r0, per, x, up, null, 0, y, false, false);
            check(g, batch, x, wt, null, 0, false, false, y, g.outSize(), "chunks of " + per + " rows, " + g + " batch " + batch);
        }
    }

    @Test
    void chunksHoldEnoughTilesAndEveryThreadHasOne() {
        Random r = new Random(35);
        for (int t = 0; t < 2000; t++) {
            int h = 1 + r.nextInt(120), w = 1 + r.nextInt(120), batch = 1 + r.nextInt(300), threads = 1 + r.nextInt(4);
            ConvGeometry g = new ConvGeometry(16, h, w, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            int down = (g.outH() + 1) / 2, across = (g.outW() + 1) / 2, rows = batch * down, cap = (rows + threads - 1) / threads;
            int per = WinogradConv.chunkRows(g, batch, threads), least = (WinogradConv.CHUNK_TILES + across - 1) / across;
            String what = g + " batch " + batch + " threads " + threads + ": " + per + " rows";
            assertTrue(per >= 1 && per <= cap, what);
            if (per < cap) {
                // at least the least, at most half as much again, or whole samples (an equal share of one)
                assertTrue(per >= least, what);
                assertTrue(per <= least + least / 2 || per % down == 0 || down % per == 0, what);
                for (int p = least; p <= Math.min(least + least / 2, cap); p++) {
                    // the cheapest, or whole samples within 3% of it
                    assertTrue(0.97 * WinogradConv.cost(per, rows, down, across) <= WinogradConv.cost(p, rows, down, across), what + " against " + p);
                }
            }
        }
    }

    @Test
    void fashionCnnSecondLayerChunksAreWholePanels() {
        // 7 × 7 tiles a sample: whole samples (147 tiles) would end every chunk in a partial panel
        ConvGeometry g = new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        for (int[] call : new int[][] {{16, 1}, {64, 2}, {128, 1}}) {
            int per = WinogradConv.chunkRows(g, call[0], call[1]);
            assertEquals(0, WinogradConv.productColumns(7 * per) % SimdGemm.NR, "batch " + call[0] + ": chunks of " + per + " tile rows");
        }
    }

    @Test
    void aChunksSixteenBlocksFallInSixteenSetsOfL1() {
        // blocks a multiple of 4 KB apart put the same row of all 16 in one set of L1 (64 sets of 64 bytes)
        for (int floats = 1; floats < 100_000; floats++) {
            int stride = WinogradConv.blockStride(floats);
            assertTrue(stride >= floats && stride < floats + 32, floats + " floats: " + stride);
            java.util.Set<Integer> sets = new java.util.HashSet<>();
            for (int xi = 0; xi < 16; xi++) sets.add((int) ((long) xi * stride * 4 % 4096 / 64));
            assertEquals(16, sets.size(), floats + " floats: " + stride);
        }
    }

    @Test
    void kernelsTakeItForWholeBatchesAndSeeChangedWeights() {
        ConvGeometry g = new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertTrue(WinogradConv.pays(g, 8));
        assertTrue(WinogradConv.pays(new ConvGeometry(128, 7, 7, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1), "a single 7 × 7 sample: 16 tiles");
        assertFalse(WinogradConv.pays(new ConvGeometry(64, 4, 4, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1), "a single 4 × 4 sample: 4 tiles");
        assertFalse(WinogradConv.applies(new ConvGeometry(32, 14, 14, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1)), "stride 2");
        assertFalse(WinogradConv.applies(new ConvGeometry(3, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "3 input channels");
        assertFalse(WinogradConv.applies(new ConvGeometry(32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 1, 1, 1)), "5 × 5");
        Random r = new Random(35);
        float[] x = random(r, 8 * g.inSize()), wt = random(r, g.weightSize() + 5), bias = random(r, 64);
        float[] y = new float[8 * g.outSize() + SENTINEL_TAIL];
        java.util.Arrays.fill(y, 8 * g.outSize(), y.length, 12345f);
        try (SimdKernels k = new SimdKernels(2)) {
            for (int round = 0; round < 3; round++) {
                k.conv2dForward(g, 8, x, wt, 5, bias, 0, y);
                check(g, 8, x, java.util.Arrays.copyOfRange(wt, 5, wt.length), bias, 0, false, false, y, g.outSize(), "round " + round);
                for (int i = 0; i < wt.length; i += 7) wt[i] = -wt[i]; // a training step: the cached transform must be made again
            }
        }
    }

    @Test
    void inputGradientOfAWholeBatchEqualsAPlainLoop() {
        Random r = new Random(36);
        for (int t = 0; t < 40; t++) {
            int inC = 16 + r.nextInt(20), outC = 16 + r.nextInt(20), pad = r.nextInt(3), hw = 3 + r.nextInt(14), batch = 2 + r.nextInt(3);
            ConvGeometry g = new ConvGeometry(inC, hw, hw + r.nextInt(3), outC, 3, 3, 1, 1, pad, pad, 1, 1, 1);
            float[] dy = random(r, batch * g.outSize()), wt = random(r, g.weightSize()), dx = new float[batch * g.inSize()];
            try (SimdKernels k = new SimdKernels(1 + t % 2)) {
                k.conv2dBackwardInput(g, batch, dy, wt, 0, dx);
            }
            for (int n = 0; n < batch; n++) {
                for (int c = 0; c < inC; c++) {
                    for (int i = 0; i < g.inH(); i++) {
                        for (int j = 0; j < g.inW(); j++) {
                            double sum = 0, mag = 0;
                            for (int o = 0; o < outC; o++) {
                                for (int l = 0; l < 3; l++) {
                                    for (int m = 0; m < 3; m++) {
                                        int yi = i + pad - l, yj = j + pad - m;
                                        if (yi < 0 || yi >= g.outH() || yj < 0 || yj >= g.outW()) continue;
                                        double term = (double) dy[((n * outC + o) * g.outH() + yi) * g.outW() + yj] * wt[((o * inC + c) * 3 + l) * 3 + m];
                                        sum += term;
                                        mag += Math.abs(term);
                                    }
                                }
                            }
                            expect(sum, mag, dx[((n * inC + c) * g.inH() + i) * g.inW() + j], "input gradient, " + g + " batch " + batch);
                        }
                    }
                }
            }
        }
    }

    /** y against a plain loop in double, within a tolerance scaled by the sum of the magnitudes of each output's terms. */
    private static void check(ConvGeometry g, int batch, float[] x, float[] wt, float[] bias, int bOff, boolean relu, boolean pool, float[] y,
                              int outSize, String what) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW(), pad = g.padH();
        double[] full = new double[oh * ow], mag = new double[oh * ow];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < g.outC(); o++) {
                java.util.Arrays.fill(full, bias == null ? 0 : bias[bOff + o]);
                java.util.Arrays.fill(mag, bias == null ? 0 : Math.abs(bias[bOff + o]));
                for (int c = 0; c < g.inC(); c++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            for (int l = 0; l < 3; l++) {
                                int yi = i + l - pad;
                                if (yi < 0 || yi >= h) continue;
                                for (int m = 0; m < 3; m++) {
                                    int xj = j + m - pad;
                                    if (xj < 0 || xj >= w) continue;
                                    double term = (double) x[((n * g.inC() + c) * h + yi) * w + xj] * wt[((o * g.inC() + c) * 3 + l) * 3 + m];
                                    full[i * ow + j] += term;
                                    mag[i * ow + j] += Math.abs(term);
                                }
                            }
                        }
                    }
                }
                int base = n * outSize + o * (pool ? (oh / 2) * (ow / 2) : oh * ow);
                if (pool) {
                    for (int i = 0; i < oh / 2; i++) {
                        for (int j = 0; j < ow / 2; j++) {
                            double best = Double.NEGATIVE_INFINITY, scale = 0;
                            for (int a = 0; a < 2; a++) {
                                for (int b = 0; b < 2; b++) {
                                    best = Math.max(best, full[(2 * i + a) * ow + 2 * j + b]);
                                    scale = Math.max(scale, mag[(2 * i + a) * ow + 2 * j + b]);
                                }
                            }
                            expect(relu ? Math.max(best, 0) : best, scale, y[base + i * (ow / 2) + j], what);
                        }
                    }
                } else {
                    for (int p = 0; p < oh * ow; p++) expect(relu ? Math.max(full[p], 0) : full[p], mag[p], y[base + p], what);
                }
            }
        }
        for (int i = batch * outSize; i < y.length; i++) {
            if (y[i] != 12345f) fail(what + ": wrote past the output at " + (i - batch * outSize));
        }
    }

    private static void expect(double expected, double magnitude, float actual, String what) {
        assertEquals(expected, actual, 1e-5 * magnitude + 1e-6, what);
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
