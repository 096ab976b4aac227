package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@link Winograd4Conv} (F(4×4, 3×3)) against the scalar kernels: called directly on 1,000 random
 * shapes (channels in whole vectors from 16 to 160, odd and prime map sizes, maps that are not whole
 * tiles, paddings 0 to 2, with and without ReLU and bias, batches of 1 to 9) over 1, 2 and 3 threads;
 * through the kernels, the forward pass and the input gradient of resnet8's 128-channel layer, which
 * take it, and weights changed between calls.
 */
class Winograd4ConvTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static final float SENTINEL = 12345f;
    private static Kernels one, two, three;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        one = KernelProvider.simd(1);
        two = KernelProvider.simd(2);
        three = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception {
        for (Kernels k : new Kernels[] {one, two, three}) if (k instanceof AutoCloseable c) c.close();
    }

    private static ConvGeometry randomShape(Random r) {
        while (true) {
            int inC = 16 * pick(r, new int[] {1, 1, 2, 2, 3, 4, 8, 10}), outC = 16 * pick(r, new int[] {1, 1, 2, 3, 4, 5, 8});
            int pad = r.nextInt(3), inH = 3 + r.nextInt(17), inW = 3 + r.nextInt(17);
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, 3, 3, 1, 1, pad, pad, 1, 1, 1);
            if (g.outH() > 0 && g.outW() > 0 && WinogradConv.applies(g)) return g;
        }
    }

    @Test
    void equalsTheScalarKernelsOnRandomShapes() throws Exception {
        assumeTrue(LaneTranspose.applies(), "needs vectors of 8 or 16 lanes");
        Random r = new Random(46);
        try (Parallel p1 = new Parallel(1); Parallel p2 = new Parallel(2); Parallel p3 = new Parallel(3)) {
            Parallel[] pools = {p1, p2, p3};
            for (int t = 0; t < 1000; t++) check(pools[t % 3], r, randomShape(r), 1 + r.nextInt(9), r.nextBoolean(), r.nextInt(4) > 0);
        }
    }

    /** Winograd4Conv.forward itself against the scalar convolution. */
    private static void check(Parallel pool, Random r, ConvGeometry g, int batch, boolean relu, boolean withBias) {
        float[] x = random(r, batch * g.inSize()), w = random(r, 3 + g.weightSize()), bias = withBias ? random(r, 2 + g.outC()) : null;
        int n = batch * g.outSize();
        float[] expected = new float[n], actual = random(r, n + 17), u = new float[Winograd4Conv.weightsSize(g)];
        Arrays.fill(actual, n, actual.length, SENTINEL);
        Winograd4Tiles.transformWeights(g, w, 3, new float[WinogradWeights.tapsSize(g.inC() * g.outC())], u);
        if (relu) REF.conv2dForwardRelu(g, batch, x, w, 3, bias, 2, expected);
        else REF.conv2dForward(g, batch, x, w, 3, bias, 2, expected);
        Winograd4Conv.forward(g, batch, x, u, bias, 2, actual, relu, null, pool);
        String what = g + " batch " + batch + (relu ? " relu" : "") + (withBias ? " bias" : "") + " on " + pool.threads() + " threads";
        // F(4×4, 3×3) rounds more than a direct sum: its coefficients reach 8 (and 1/24)
        close(expected, actual, n, 4 * g.inC() * 9, what);
        for (int i = n; i < actual.length; i++) assertEquals(SENTINEL, actual[i], what + ": wrote past the output at " + i);
    }

    @Test
    void resnet8sLayerThroughTheKernels() {
        assumeTrue(LaneTranspose.applies(), "needs vectors of 8 or 16 lanes");
        ConvGeometry g = new ConvGeometry(128, 7, 7, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertTrue(Winograd4Conv.pays(g, 33));
        Random r = new Random(48);
        int batch = 33;
        float[] x = random(r, batch * g.inSize()), w = random(r, g.weightSize()), bias = random(r, g.outC());
        float[] dy = random(r, batch * g.outSize());
        for (Kernels k : new Kernels[] {one, two, three}) {
            float[] expected = new float[batch * g.outSize()], actual = new float[expected.length];
            REF.conv2dForwardRelu(g, batch, x, w, 0, bias, 0, expected);
            k.conv2dForwardRelu(g, batch, x, w, 0, bias, 0, actual);
            close(expected, actual, expected.length, 4 * g.inC() * 9, "forward on " + k.name());
            float[] dxExpected = new float[batch * g.inSize()], dx = new float[dxExpected.length];
            REF.conv2dBackwardInput(g, batch, dy, w, 0, dxExpected);
            k.conv2dBackwardInput(g, batch, dy, w, 0, dx);
            close(dxExpected, dx, dx.length, 4 * g.outC() * 9, "input gradient on " + k.name());
        }
    }

    @Test
    void takesBatchesOfWholeVectorsOfChannels() {
        assumeTrue(LaneTranspose.applies(), "needs vectors of 8 or 16 lanes");
        assertTrue(Winograd4Conv.pays(new ConvGeometry(128, 7, 7, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2));
        assertTrue(Winograd4Conv.pays(new ConvGeometry(128, 28, 28, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1), 8));
        assertFalse(Winograd4Conv.pays(new ConvGeometry(64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1), 8), "64 channels");
        assertFalse(Winograd4Conv.pays(new ConvGeometry(256, 14, 14, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1), 8), "weights beyond MAX_PAIRS");
        assertFalse(Winograd4Conv.pays(new ConvGeometry(128, 7, 7, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1), "one sample");
        assertFalse(Winograd4Conv.pays(new ConvGeometry(24, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1), 8), "channels not in whole vectors");
        assertFalse(Winograd4Conv.pays(new ConvGeometry(64, 14, 14, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1), 8), "stride 2");
        assertFalse(Winograd4Conv.pays(new ConvGeometry(1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1), 8), "one input channel");
    }

    @Test
    void seesChangedWeights() {
        assumeTrue(LaneTranspose.applies(), "needs vectors of 8 or 16 lanes");
        ConvGeometry g = new ConvGeometry(128, 9, 9, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Random r = new Random(47);
        int batch = 3;
        float[] x = random(r, batch * g.inSize()), w = random(r, 5 + g.weightSize()), bias = random(r, g.outC());
        float[] expected = new float[batch * g.outSize()], actual = new float[batch * g.outSize()];
        for (int round = 0; round < 3; round++) {
            REF.conv2dForward(g, batch, x, w, 5, bias, 0, expected);
            two.conv2dForward(g, batch, x, w, 5, bias, 0, actual);
            close(expected, actual, expected.length, 4 * g.inC() * 9, "round " + round);
            for (int i = 5; i < w.length; i += 7) w[i] = -w[i]; // a training step: the cached transform must be made again
        }
    }
}
