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
 * A single sample's forward pass on {@link WinogradLaneConv} against the scalar kernels: 1,000 random
 * shapes it takes (channels in whole vectors, odd and prime map sizes of 16 to 64 tiles, paddings 0 to 2, with and without
 * ReLU and bias) over 1, 2 and 3 threads, resnet18's 7 × 7 and 14 × 14 layers, and weights changed
 * between calls. (Its allocation: {@code SteadyStateAllocationTest}'s resnet18.)
 */
class WinogradLaneConvTest {
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
            int inC = 16 * pick(r, new int[] {1, 1, 1, 2, 2, 3, 4, 5}), outC = 16 * pick(r, new int[] {4, 4, 5, 7, 8, 9, 12});
            int pad = r.nextInt(3), inH = 5 + r.nextInt(13), inW = 5 + r.nextInt(13);
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, 3, 3, 1, 1, pad, pad, 1, 1, 1);
            if (g.outH() > 0 && g.outW() > 0 && WinogradLaneConv.pays(g, 1)) return g;
        }
    }

    @Test
    void equalsTheScalarKernelsOnRandomShapes() {
        assumeTrue(SimdGemm.LARGE_TILE && SimdGemm.L == 16, "needs the large tile on 16 lanes");
        Random r = new Random(44);
        Kernels[] kernels = {one, two, three};
        for (int t = 0; t < 1000; t++) check(kernels[t % 3], r, randomShape(r), r.nextBoolean(), r.nextInt(4) > 0);
        // resnet18's stride-1 layers at 7 × 7 and 14 × 14
        check(two, r, new ConvGeometry(512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1), true, true);
        check(two, r, new ConvGeometry(256, 14, 14, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1), false, true);
    }

    @Test
    void takesSingleSmallMapsOnly() {
        assumeTrue(SimdGemm.LARGE_TILE && SimdGemm.L == 16, "needs the large tile on 16 lanes");
        assertTrue(WinogradLaneConv.pays(new ConvGeometry(512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1));
        assertTrue(WinogradLaneConv.pays(new ConvGeometry(256, 14, 14, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1));
        assertFalse(WinogradLaneConv.pays(new ConvGeometry(512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2), "a batch");
        assertFalse(WinogradLaneConv.pays(new ConvGeometry(64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1), "196 tiles");
        assertFalse(WinogradLaneConv.pays(new ConvGeometry(64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1), "49 tiles, 64 channels");
        assertFalse(WinogradLaneConv.pays(new ConvGeometry(512, 4, 4, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1), "4 tiles");
        assertFalse(WinogradLaneConv.pays(new ConvGeometry(24, 7, 7, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1), "channels not in whole vectors");
        assertFalse(WinogradLaneConv.pays(new ConvGeometry(64, 14, 14, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1), 1), "stride 2");
    }

    @Test
    void seesChangedWeights() {
        assumeTrue(SimdGemm.LARGE_TILE && SimdGemm.L == 16, "needs the large tile on 16 lanes");
        ConvGeometry g = new ConvGeometry(64, 7, 7, 96, 3, 3, 1, 1, 1, 1, 1, 1, 1); // 16 tiles
        Random r = new Random(45);
        float[] x = random(r, g.inSize()), w = random(r, 5 + g.weightSize()), bias = random(r, g.outC());
        float[] expected = new float[g.outSize()], actual = new float[g.outSize()];
        for (int round = 0; round < 3; round++) {
            REF.conv2dForward(g, 1, x, w, 5, bias, 0, expected);
            two.conv2dForward(g, 1, x, w, 5, bias, 0, actual);
            close(expected, actual, expected.length, g.inC() * 9, "round " + round);
            for (int i = 5; i < w.length; i += 7) w[i] = -w[i]; // a training step: the cached transform must be made again
        }
    }

    private static void check(Kernels simd, Random r, ConvGeometry g, boolean relu, boolean withBias) {
        float[] x = random(r, g.inSize()), w = random(r, 3 + g.weightSize()), bias = withBias ? random(r, 2 + g.outC()) : null;
        float[] expected = new float[g.outSize()], actual = random(r, g.outSize() + 17);
        Arrays.fill(actual, g.outSize(), actual.length, SENTINEL);
        if (relu) {
            REF.conv2dForwardRelu(g, 1, x, w, 3, bias, 2, expected);
            simd.conv2dForwardRelu(g, 1, x, w, 3, bias, 2, actual);
        } else {
            REF.conv2dForward(g, 1, x, w, 3, bias, 2, expected);
            simd.conv2dForward(g, 1, x, w, 3, bias, 2, actual);
        }
        String what = g + (relu ? " relu" : "") + (withBias ? " bias" : "") + " on " + simd.name();
        close(expected, actual, expected.length, g.inC() * 9, what);
        for (int i = g.outSize(); i < actual.length; i++) assertEquals(SENTINEL, actual[i], what + ": wrote past the output at " + i);
    }
}
