package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD batch-norm, global-average-pooling and merging kernels against their scalar twins on
 * 1,000+ random shapes each (odd and prime sizes, planes shorter and longer than a vector), with 3
 * threads so that channels are split unevenly; and large enough shapes that the pool is used.
 */
class SimdChannelsTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static final int[] PLANES = {1, 2, 3, 7, 13, 16, 17, 31, 49, 64, 97, 196, 784};
    private static Kernels simd;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception { if (simd instanceof AutoCloseable c) c.close(); }

    private record Shape(int batch, int channels, int plane) {
        int size() { return batch * channels * plane; }
    }

    private static Shape randomShape(Random r, int t) {
        // every 50th shape is large enough to be split over the pool
        if (t % 50 == 0) return new Shape(8 + r.nextInt(9), 5 + r.nextInt(40), pick(r, new int[] {196, 784}));
        return new Shape(1 + r.nextInt(7), 1 + r.nextInt(19), pick(r, PLANES));
    }

    @Test
    void batchStatisticsMatchScalar() {
        Random r = new Random(11);
        for (int t = 0; t < 1000; t++) {
            Shape s = randomShape(r, t);
            float[] x = shifted(random(r, s.size()), r.nextFloat() * 4 - 2);
            float[] m1 = new float[s.channels], v1 = new float[s.channels], m2 = new float[s.channels], v2 = new float[s.channels];
            REF.batchStatistics(s.batch, s.channels, s.plane, x, m1, v1);
            simd.batchStatistics(s.batch, s.channels, s.plane, x, m2, v2);
            close(m1, m2, s.channels, s.batch * s.plane, "mean " + s);
            close(v1, v2, s.channels, s.batch * s.plane, "variance " + s);
        }
    }

    @Test
    void batchNormForwardAndBackwardMatchScalar() {
        Random r = new Random(12);
        for (int t = 0; t < 1000; t++) {
            Shape s = randomShape(r, t);
            int c = s.channels;
            float[] x = random(r, s.size()), dy = random(r, s.size());
            float[] mean = random(r, c), invStd = new float[c];
            for (int i = 0; i < c; i++) invStd[i] = 0.5f + r.nextFloat() * 2;
            int gammaOff = r.nextInt(3), betaOff = gammaOff + c;
            float[] params = random(r, gammaOff + 2 * c);
            float[] y1 = new float[s.size()], y2 = new float[s.size()];
            REF.batchNormForward(s.batch, c, s.plane, x, mean, invStd, params, gammaOff, betaOff, y1);
            simd.batchNormForward(s.batch, c, s.plane, x, mean, invStd, params, gammaOff, betaOff, y2);
            close(y1, y2, s.size(), 2, "forward " + s);

            boolean batchStats = r.nextBoolean();
            int dOff = r.nextInt(3);
            float[] g1 = random(r, dOff + 2 * c), g2 = g1.clone();
            float[] dx1 = new float[s.size()], dx2 = new float[s.size()];
            REF.batchNormBackward(s.batch, c, s.plane, x, mean, invStd, params, gammaOff, dy, batchStats, dx1, g1, dOff, dOff + c);
            simd.batchNormBackward(s.batch, c, s.plane, x, mean, invStd, params, gammaOff, dy, batchStats, dx2, g2, dOff, dOff + c);
            close(g1, g2, g1.length, s.batch * s.plane, "dgamma/dbeta " + s);
            close(dx1, dx2, s.size(), s.batch * s.plane, "dx " + s + " batchStats=" + batchStats);
        }
    }

    /** Training's statistics, normalisation and optional ReLU in one call against the scalar twin's three. */
    @Test
    void batchNormTrainingMatchesScalar() {
        Random r = new Random(14);
        for (int t = 0; t < 1000; t++) {
            Shape s = randomShape(r, t);
            int c = s.channels;
            float[] x = shifted(random(r, s.size()), r.nextFloat() * 4 - 2);
            int gammaOff = r.nextInt(3), betaOff = gammaOff + c;
            float[] params = random(r, gammaOff + 2 * c);
            float eps = t % 2 == 0 ? 1e-5f : 1e-3f;
            boolean relu = r.nextBoolean();
            float[][] ref = {new float[c], new float[c], new float[c], new float[s.size()]};
            float[][] got = {random(r, c), random(r, c), random(r, c), random(r, s.size())};
            REF.batchNormTraining(s.batch, c, s.plane, x, eps, ref[0], ref[1], ref[2], params, gammaOff, betaOff, relu, ref[3]);
            simd.batchNormTraining(s.batch, c, s.plane, x, eps, got[0], got[1], got[2], params, gammaOff, betaOff, relu, got[3]);
            close(ref[0], got[0], c, s.batch * s.plane, "mean " + s);
            close(ref[1], got[1], c, s.batch * s.plane, "variance " + s);
            close(ref[2], got[2], c, s.batch * s.plane, "inverse deviation " + s);
            close(ref[3], got[3], s.size(), s.batch * s.plane, "normalised " + s + " relu=" + relu);
            for (int i = 0; relu && i < s.size(); i++) assertTrue(got[3][i] >= 0, "negative after the ReLU at " + i + ": " + s);
        }
    }

    @Test
    void globalAveragePoolingMatchesScalar() {
        Random r = new Random(13);
        for (int t = 0; t < 1000; t++) {
            Shape s = randomShape(r, t);
            int planes = s.batch * s.channels;
            float[] x = random(r, s.size()), dy = random(r, planes);
            float[] y1 = new float[planes], y2 = new float[planes];
            REF.globalAvgPoolForward(s.batch, s.channels, s.plane, x, y1);
            simd.globalAvgPoolForward(s.batch, s.channels, s.plane, x, y2);
            close(y1, y2, planes, s.plane, "forward " + s);
            float[] dx1 = new float[s.size()], dx2 = new float[s.size()];
            REF.globalAvgPoolBackward(s.batch, s.channels, s.plane, dy, dx1);
            simd.globalAvgPoolBackward(s.batch, s.channels, s.plane, dy, dx2);
            close(dx1, dx2, s.size(), 1, "backward " + s);
        }
    }

    @Test
    void addAccumulateAndAddReluMatchScalar() {
        Random r = new Random(14);
        for (int t = 0; t < 1000; t++) {
            int n = t % 50 == 0 ? 40_000 + r.nextInt(70_000) : 1 + r.nextInt(300);
            float[] a = random(r, n), b = random(r, n);
            float[] y1 = new float[n], y2 = new float[n];
            REF.add(n, a, b, y1);
            simd.add(n, a, b, y2);
            close(y1, y2, n, 1, "add n=" + n);
            float[] acc1 = Arrays.copyOf(a, n), acc2 = Arrays.copyOf(a, n);
            REF.accumulate(n, b, acc1);
            simd.accumulate(n, b, acc2);
            close(acc1, acc2, n, 1, "accumulate n=" + n);
            float[] r1 = new float[n], r2 = new float[n];
            REF.addRelu(n, a, b, r1);
            simd.addRelu(n, a, b, r2);
            close(r1, r2, n, 1, "add + relu n=" + n);
            for (int i = 0; i < n; i++) assertTrue(r2[i] >= 0f, "add + relu is negative at " + i + ", n=" + n);
        }
    }

    private static float[] shifted(float[] a, float by) {
        for (int i = 0; i < a.length; i++) a[i] += by;
        return a;
    }
}
