package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.striate.tensor.Tensor;

/**
 * The layers graphs need, against finite differences (see {@link GradientCheck}); whole graphs with
 * fan-out, Add and Concat against the model-level check; and the transposed convolution against the
 * convolution it is the adjoint of.
 */
class GraphLayersGradientTest {

    @TestFactory
    Stream<DynamicTest> transposedConvolutionAndUpsampling() {
        return Stream.of(
                dynamicTest("convtranspose 3x3", () -> GradientCheck.of(new ConvTranspose2d(2, 3), 3, 4, 4).eps(0.25).run()),
                dynamicTest("convtranspose 3x3 stride 2 pad 1 output_pad 1", () ->
                        GradientCheck.of(new ConvTranspose2d(3, 3).stride(2).padding(1).outputPadding(1), 2, 3, 4).batch(2).eps(0.25).run()),
                dynamicTest("convtranspose 2x2 stride 2, groups 2, no bias", () ->
                        GradientCheck.of(new ConvTranspose2d(4, 2).stride(2).groups(2).bias(false), 4, 3, 3).eps(0.25).run()),
                dynamicTest("convtranspose 3x2 stride 2x1 dilation 2 output_pad 1x0", () ->
                        GradientCheck.of(new ConvTranspose2d(2, 3, 2).stride(2, 1).dilation(2).outputPadding(1, 0).padding(1, 0), 2, 3, 3).eps(0.25).run()),
                dynamicTest("upsample 2 nearest", () -> GradientCheck.of(new Upsample(2), 2, 3, 4).eps(0.25).run()),
                dynamicTest("upsample 3 bilinear", () -> GradientCheck.of(new Upsample(3, Upsample.Mode.BILINEAR), 2, 3, 4).batch(2).eps(0.25).run()),
                dynamicTest("upsample 2 bilinear, one-pixel rows", () -> GradientCheck.of(new Upsample(2, Upsample.Mode.BILINEAR), 1, 1, 5).eps(0.25).run()),
                dynamicTest("zeropad 0,2,1,0", () -> GradientCheck.of(new ZeroPad2d(0, 2, 1, 0), 2, 3, 4).batch(2).eps(0.25).run()),
                dynamicTest("avgpool 3 stride 2 pad 1 count_pad", () -> GradientCheck.of(new AvgPool2d(3).countPadding(true).stride(2).padding(1), 2, 5, 6).batch(2).run()));
    }

    @Test
    void zeroPaddingAndCountedPaddingReadBackFromTheirSpecLines() {
        Graph g = LayerSpecs.parse("input 1x3x3\nzeropad 1,0,0,2\navgpool 3 stride=1 pad=1 count_pad=true\n", "t", null).build(1);
        assertEquals("input 1x3x3\nzeropad 1,0,0,2\navgpool 3 stride=1 pad=1 count_pad=true\n", g.spec());
        Tensor x = new Tensor(1, 1, 3, 3);
        java.util.Arrays.fill(x.data, 9f);
        Tensor y = g.forward(x, false);
        assertArrayEquals(new int[] {1, 1, 4, 5}, y.shape());
        // the corner window: the pooling's padding row and column, the zeropad's top row, and two cells of 9; divided by all 9 cells
        assertEquals(2f, y.data[0], 1e-6f);
        assertEquals(6f, y.data[5 + 1], 1e-6f); // row 1, column 1: six cells of 9
    }

    /** Small on purpose: the model-level check runs in float, and its rounding grows with the model. */
    @Test
    void graphsWithFanOutAddAndConcatMatchFiniteDifferences() {
        // 'a' feeds tanh and the sum, 't' the sum and the concatenation, the input the first conv and the concatenation
        ModelGradientTest.check("""
                input 2x4x4
                conv 2 3x3 pad=1 name=a
                tanh name=t
                conv 2 3x3 pad=1
                sigmoid name=s
                add in=t,s,a
                concat in=add_1,input,t
                avgpool 2
                flatten
                dense 2
                """, 2, 4, 4);
        ModelGradientTest.check("""
                input 2x4x4
                conv 2 3x3 pad=1
                avgpool 2
                convtranspose 1 2x2 stride=2
                upsample 2 mode=bilinear
                conv 1 3x3 stride=2 pad=1
                sigmoid
                concat in=input,sigmoid_1
                avgpool 2
                flatten
                dense 2
                """, 2, 4, 4);
    }

    /** ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ with the same weights, on random geometries. */
    @Test
    void transposedConvolutionIsTheAdjointOfConvolution() {
        Random r = new Random(11);
        for (int trial = 0; trial < 250; trial++) {
            int groups = 1 + r.nextInt(3);
            int inC = groups * (1 + r.nextInt(3)), outC = groups * (1 + r.nextInt(3));
            int k = 1 + r.nextInt(4), kW = 1 + r.nextInt(4), s = 1 + r.nextInt(3), sW = 1 + r.nextInt(3);
            int d = 1 + r.nextInt(2), p = r.nextInt(k), pW = r.nextInt(kW);
            int h = d * (k - 1) + 1 + r.nextInt(7), w = d * (kW - 1) + 1 + r.nextInt(7);
            Conv2d conv = new Conv2d(outC, k, kW).stride(s, sW).padding(p, pW).dilation(d, d).groups(groups).bias(false);
            Graph forward = Sequential.builder(inC, h, w).add(conv).build(trial);
            int[] out = forward.outputShape();
            int opH = (h + 2 * p - d * (k - 1) - 1) % s, opW = (w + 2 * pW - d * (kW - 1) - 1) % sW;
            ConvTranspose2d t = new ConvTranspose2d(inC, k, kW).stride(s, sW).padding(p, pW).dilation(d, d).outputPadding(opH, opW)
                    .groups(groups).bias(false);
            Graph back = Sequential.builder(out).add(t).build(1);
            System.arraycopy(forward.params(), 0, back.params(), 0, forward.params().length);
            assertEquals(forward.params().length, back.params().length);
            int n = 1 + r.nextInt(2);
            Tensor x = GraphTest.random(r, n, inC, h, w), y = GraphTest.random(r, n, out[0], out[1], out[2]);
            Tensor cx = forward.forward(x, false).copy(), ty = back.forward(y, false);
            assertEquals(x.size(), ty.size(), "convtranspose maps back to the conv's input shape");
            double a = 0, b = 0, scale = 0;
            for (int i = 0; i < cx.size(); i++) { a += (double) cx.data[i] * y.data[i]; scale += Math.abs(cx.data[i] * y.data[i]); }
            for (int i = 0; i < x.size(); i++) b += (double) x.data[i] * ty.data[i];
            assertEquals(a, b, 1e-5 * (1 + scale), "trial " + trial + ": " + conv.spec() + " vs " + t.spec());
        }
    }
}
