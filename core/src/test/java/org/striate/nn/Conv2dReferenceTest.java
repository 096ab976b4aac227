package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Tensor;

/**
 * Conv2d against a naive reference written differently from the scalar kernels: the input is first
 * copied into an explicitly zero-padded array, and the kernel is then applied without bounds tests.
 */
class Conv2dReferenceTest {

    /** y[n][o][i][j] = b[o] + Σ padded[n][g·cg + c][i·s + l·d][j·s + m·d] · w[o][c][l][m]. */
    static float[] reference(float[] x, int n, int c, int h, int w, float[] weights, float[] bias, int outC, int k, int kw,
                             int stride, int pad, int dil, int groups) {
        int ph = h + 2 * pad, pw = w + 2 * pad;
        double[][][][] padded = new double[n][c][ph][pw];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int r = 0; r < h; r++)
                    for (int q = 0; q < w; q++) padded[b][ch][r + pad][q + pad] = x[((b * c + ch) * h + r) * w + q];
        int oh = (ph - dil * (k - 1) - 1) / stride + 1, ow = (pw - dil * (kw - 1) - 1) / stride + 1;
        int cg = c / groups, og = outC / groups;
        float[] y = new float[n * outC * oh * ow];
        int yi = 0;
        for (int b = 0; b < n; b++)
            for (int o = 0; o < outC; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double sum = bias[o];
                        int group = o / og;
                        for (int ch = 0; ch < cg; ch++)
                            for (int l = 0; l < k; l++)
                                for (int m = 0; m < kw; m++)
                                    sum += padded[b][group * cg + ch][i * stride + l * dil][j * stride + m * dil]
                                            * weights[((o * cg + ch) * k + l) * kw + m];
                        y[yi++] = (float) sum;
                    }
        return y;
    }

    @Property(tries = 150)
    void matchesTheNaiveReference(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int groups,
                                  @ForAll @IntRange(min = 1, max = 2) int inPerGroup, @ForAll @IntRange(min = 1, max = 2) int outPerGroup,
                                  @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                  @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
                                  @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
                                  @ForAll @IntRange(min = 1, max = 2) int dil, @ForAll long seed) {
        Assume.that(h + 2 * pad >= dil * (kh - 1) + 1 && w + 2 * pad >= dil * (kw - 1) + 1);
        int c = groups * inPerGroup, outC = groups * outPerGroup;
        Standalone conv = Standalone.of(new Conv2d(outC, kh, kw).stride(stride).padding(pad).dilation(dil).groups(groups), c, h, w);
        Random rng = new Random(seed);
        for (int i = 0; i < conv.params.length; i++) conv.params[i] = (float) (rng.nextDouble() * 2 - 1);
        Tensor x = conv.randomInput(n, rng);
        float[] weights = java.util.Arrays.copyOf(conv.params, conv.params.length - outC);
        float[] bias = java.util.Arrays.copyOfRange(conv.params, conv.params.length - outC, conv.params.length);

        float[] expected = reference(x.data, n, c, h, w, weights, bias, outC, kh, kw, stride, pad, dil, groups);
        Tensor y = conv.forward(x, false);
        assertEquals(expected.length, y.size(), "output size");
        assertArrayEquals(expected, y.data, 1e-5f);
    }

    @Property(tries = 200)
    void outputSizeIsFloorOfWMinusMPlus2POverSPlusOne(@ForAll @IntRange(min = 1, max = 40) int size, @ForAll @IntRange(min = 1, max = 7) int m,
                                                      @ForAll @IntRange(min = 0, max = 3) int p, @ForAll @IntRange(min = 1, max = 4) int s) {
        Assume.that(size - m + 2 * p >= 0);
        Conv2d conv = new Conv2d(1, m).stride(s).padding(p);
        int[] out = conv.build(new int[] {1, size, size + 1});
        assertEquals(Math.floorDiv(size - m + 2 * p, s) + 1, out[1]);
        assertEquals(Math.floorDiv(size + 1 - m + 2 * p, s) + 1, out[2]);
    }

    @Test
    void outputSizesOfTheSeedExamples() {
        assertArrayEquals(new int[] {6, 24, 24}, new Conv2d(6, 5).build(new int[] {1, 28, 28}));   // LeNet's first layer
        assertArrayEquals(new int[] {8, 16, 16}, new Conv2d(8, 3).stride(2).padding(1).build(new int[] {3, 32, 32}));
        assertArrayEquals(new int[] {1, 3, 3}, new Conv2d(1, 3).stride(2).build(new int[] {1, 7, 7}));
    }

    @Property(tries = 60)
    void samePaddingKeepsTheSize(@ForAll @IntRange(min = 0, max = 3) int half, @ForAll @IntRange(min = 1, max = 20) int h,
                                 @ForAll @IntRange(min = 1, max = 20) int w) {
        int k = 2 * half + 1;
        assertArrayEquals(new int[] {2, h, w}, new Conv2d(2, k).padding(Conv2d.SAME).build(new int[] {3, h, w}));
    }

    @Test
    void verticalEdgeFilterRespondsOnlyAlongAVerticalStep() {
        int h = 6, w = 8, step = 4;                                   // columns < 4 dark (0), the rest bright (1)
        Tensor image = new Tensor(1, 1, h, w);
        for (int r = 0; r < h; r++) for (int q = step; q < w; q++) image.set(1f, 0, 0, r, q);
        Standalone conv = Standalone.of(new Conv2d(1, 3), 1, h, w);
        float[] vertical = {-1, 0, 1, -1, 0, 1, -1, 0, 1};
        System.arraycopy(vertical, 0, conv.params, 0, 9);
        conv.params[9] = 0;                                           // bias

        Tensor y = conv.forward(image, false);
        assertArrayEquals(new int[] {1, 1, h - 2, w - 2}, y.shape());
        for (int i = 0; i < h - 2; i++) {
            for (int j = 0; j < w - 2; j++) {
                boolean windowSpansStep = j < step && j + 2 >= step;   // window covers columns j..j+2
                assertEquals(windowSpansStep ? 3f : 0f, y.get(0, 0, i, j), "response at (" + i + ", " + j + ")");
            }
        }

        float[] horizontal = {-1, -1, -1, 0, 0, 0, 1, 1, 1};
        System.arraycopy(horizontal, 0, conv.params, 0, 9);
        Tensor flat = conv.forward(image, false);
        for (int i = 0; i < flat.size(); i++) assertEquals(0f, flat.data[i], "a horizontal-edge filter sees no vertical step");
        assertEquals(3f, y.get(0, 0, 0, step - 1), "the step is detected");
    }
}
