package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The input gradient on {@link RowLaneConv}'s tiles against the scalar kernels: the shapes it takes
 * (LeNet's, and others of 6, 12, 18 or 30 channels with kernels of 5 or 7), odd and prime sizes,
 * maps of rows that do not fill the last tile, batches of 1 to 5 over 2 and 3 threads.
 */
class RowLaneConvTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static Kernels three, two;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        three = KernelProvider.simd(3);
        two = KernelProvider.simd(2);
    }

    @AfterAll
    static void release() throws Exception {
        for (Kernels k : new Kernels[] {three, two}) if (k instanceof AutoCloseable c) c.close();
    }

    /** A convolution whose input gradient, as the convolution of the padded dy, takes the row lanes. */
    private static ConvGeometry randomShape(Random r) {
        int lanes = SimdGemm.L;
        while (true) {
            int inC = pick(r, new int[] {6, 6, 12, 18, 30}), outC = pick(r, new int[] {1, 2, 5, 7, 16, 17});
            int kH = pick(r, new int[] {3, 5, 5, 7}), kW = pick(r, new int[] {5, 5, 7});
            int padH = r.nextInt(kH), padW = r.nextInt(kW);
            // the gradient's rows: more than half a vector wide, at most one
            int inW = lanes / 2 + 1 + r.nextInt(lanes - lanes / 2), inH = RowLaneConv.ROWS + r.nextInt(14);
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, 1, 1, padH, padW, 1, 1, 1);
            if (g.outH() > 0 && g.outW() > 0) return g;
        }
    }

    @Test
    void inputGradientMatchesScalar() {
        assumeTrue(SimdGemm.LARGE_TILE, "the row-lane tiles need 32 vector registers");
        Random r = new Random(12);
        // LeNet's second convolution at a training batch
        check(two, r, new ConvGeometry(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 1, 1, 1), 32);
        for (int t = 0; t < 1000; t++) {
            ConvGeometry g = randomShape(r);
            assertTrue(RowLaneConv.applies(ConvCall.mine().full(g)), "not a row-lane shape: " + g);
            check(t % 2 == 0 ? three : two, r, g, 1 + r.nextInt(5));
        }
    }

    @Test
    void takesOnlyTheShapesItWasMeasuredFasterOn() {
        assumeTrue(SimdGemm.LARGE_TILE, "the row-lane tiles need 32 vector registers");
        assertTrue(RowLaneConv.applies(ConvCall.mine().full(new ConvGeometry(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 1, 1, 1))));
        // 8 or 16 channels fill the product's rows; a 3 × 3 kernel has no padded width to save
        assertFalse(RowLaneConv.applies(ConvCall.mine().full(new ConvGeometry(8, 14, 14, 16, 5, 5, 1, 1, 0, 0, 1, 1, 1))));
        assertFalse(RowLaneConv.applies(ConvCall.mine().full(new ConvGeometry(16, 14, 14, 32, 5, 5, 1, 1, 2, 2, 1, 1, 1))));
        assertFalse(RowLaneConv.applies(ConvCall.mine().full(new ConvGeometry(6, 14, 14, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1))));
        // rows wider than a vector, or not more than half of one
        assertFalse(RowLaneConv.applies(ConvCall.mine().full(new ConvGeometry(6, 28, 28, 16, 5, 5, 1, 1, 2, 2, 1, 1, 1))));
        assertFalse(RowLaneConv.applies(ConvCall.mine().full(new ConvGeometry(6, 4, SimdGemm.L / 2, 16, 5, 5, 1, 1, 2, 2, 1, 1, 1))));
    }

    private static void check(Kernels simd, Random r, ConvGeometry g, int batch) {
        float[] w = random(r, 3 + g.weightSize()), dy = random(r, batch * g.outSize());
        float[] expected = new float[batch * g.inSize()], actual = random(r, expected.length);
        REF.conv2dBackwardInput(g, batch, dy, w, 3, expected);
        simd.conv2dBackwardInput(g, batch, dy, w, 3, actual);
        close(expected, actual, expected.length, g.outC() * g.kH() * g.kW(), "conv backward input " + g + " batch " + batch);
    }
}
