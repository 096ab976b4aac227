package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Winograd F(3×3, 2×2) weight gradient against a plain loop on random shapes: odd and prime map
 * sizes (blocks of dy cut by the map's edge), paddings 0 to 2, maps smaller than a tile, batches cut
 * into chunks, one to three threads; the gradient is added to what dw and dbias held, at offsets, and
 * nothing outside them changes; channel counts that fill no whole vector or panel, and 60 to 83 input channels.
 * Also through the kernels, and the same answer from two runs.
 */
class WinogradWeightGradTest {
    @BeforeAll
    static void needsVectors() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
    }

    @Test
    void equalsAPlainLoopOnRandomShapes() {
        Random r = new Random(43);
        Parallel[] pools = {new Parallel(1), new Parallel(2), new Parallel(3)};
        try {
            for (int t = 0; t < 1000; t++) {
                int inC = t % 4 == 0 ? 60 + r.nextInt(24) : 16 + r.nextInt(t % 10 == 1 ? 40 : 12), outC = 16 + r.nextInt(t % 10 == 1 ? 40 : 12);
                int pad = r.nextInt(3), h = Math.max(3 - 2 * pad, 1) + r.nextInt(t % 5 == 0 ? 30 : 11);
                int w = Math.max(3 - 2 * pad, 1) + r.nextInt(t % 5 == 0 ? 30 : 11), batch = 1 + r.nextInt(t % 7 == 0 ? 12 : 3);
                ConvGeometry g = new ConvGeometry(inC, h, w, outC, 3, 3, 1, 1, pad, pad, 1, 1, 1);
                float[] x = random(r, batch * g.inSize()), dy = random(r, batch * g.outSize());
                int dwOff = r.nextInt(5), dbOff = r.nextInt(5);
                float[] dw = random(r, dwOff + g.weightSize() + 7), dbias = r.nextBoolean() ? random(r, dbOff + outC + 3) : null;
                float[] dw0 = dw.clone(), dbias0 = dbias == null ? null : dbias.clone();
                WinogradWeightGrad.backwardParams(g, batch, x, dy, dw, dwOff, dbias, dbOff, pools[t % 3]);
                check(g, batch, x, dy, dw0, dw, dwOff, dbias0, dbias, dbOff,
                        "shape " + t + " " + g + " batch " + batch + " pad " + pad + " threads " + (t % 3 + 1));
            }
        } finally {
            for (Parallel p : pools) p.close();
        }
    }

    @Test
    void kernelsTakeItAndTwoRunsGiveTheSameSums() {
        ConvGeometry g = new ConvGeometry(64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertTrue(WinogradConv.pays(g, 16));
        Random r = new Random(44);
        float[] x = random(r, 16 * g.inSize()), dy = random(r, 16 * g.outSize());
        float[] dw1 = new float[g.weightSize()], db1 = new float[64], dw2 = new float[g.weightSize()], db2 = new float[64];
        try (SimdKernels k = new SimdKernels(2)) {
            k.conv2dBackwardParams(g, 16, x, dy, dw2, 0, db2, 0);
        }
        check(g, 16, x, dy, new float[g.weightSize()], dw2, 0, new float[64], db2, 0, "through the kernels");
        // a thread's share is fixed and the shares are added in order: two runs on two threads agree to the bit
        try (SimdKernels k = new SimdKernels(2)) {
            k.conv2dBackwardParams(g, 16, x, dy, dw1, 0, db1, 0);
        }
        assertArrayEquals(dw2, dw1);
        assertArrayEquals(db2, db1);
    }

    /** dw − dw0 and dbias − dbias0 against a plain loop in double; everything outside them unchanged. */
    private static void check(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw0, float[] dw, int dwOff, float[] dbias0,
                              float[] dbias, int dbOff, String what) {
        int inC = g.inC(), outC = g.outC(), oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW(), pad = g.padH();
        for (int o = 0; o < outC; o++) {
            for (int c = 0; c < inC; c++) {
                for (int l = 0; l < 3; l++) {
                    for (int m = 0; m < 3; m++) {
                        double sum = 0, mag = 0;
                        for (int n = 0; n < batch; n++) {
                            for (int i = 0; i < oh; i++) {
                                int xi = i + l - pad;
                                if (xi < 0 || xi >= h) continue;
                                for (int j = 0; j < ow; j++) {
                                    int xj = j + m - pad;
                                    if (xj < 0 || xj >= w) continue;
                                    double term = (double) dy[((n * outC + o) * oh + i) * ow + j] * x[((n * inC + c) * h + xi) * w + xj];
                                    sum += term;
                                    mag += Math.abs(term);
                                }
                            }
                        }
                        int at = dwOff + ((o * inC + c) * 3 + l) * 3 + m;
                        assertEquals(dw0[at] + sum, dw[at], 1e-5 * (mag + Math.abs(dw0[at])) + 1e-6, what + ": dw at " + o + "," + c + "," + l + "," + m);
                    }
                }
            }
        }
        for (int i = 0; i < dw.length; i++) {
            if (i < dwOff || i >= dwOff + g.weightSize()) assertEquals(dw0[i], dw[i], what + ": wrote outside dw at " + i);
        }
        if (dbias == null) return;
        for (int o = 0; o < outC; o++) {
            double sum = 0, mag = 0;
            for (int n = 0; n < batch; n++) {
                for (int p = 0; p < oh * ow; p++) {
                    sum += dy[(n * outC + o) * oh * ow + p];
                    mag += Math.abs(dy[(n * outC + o) * oh * ow + p]);
                }
            }
            assertEquals(dbias0[dbOff + o] + sum, dbias[dbOff + o], 1e-5 * (mag + 1) + 1e-6, what + ": dbias " + o);
        }
        for (int i = 0; i < dbias.length; i++) {
            if (i < dbOff || i >= dbOff + outC) assertEquals(dbias0[i], dbias[i], what + ": wrote outside dbias at " + i);
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
