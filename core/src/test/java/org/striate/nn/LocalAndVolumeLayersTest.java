package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.LocalKernels;
import org.striate.kernels.ScalarKernels;
import org.striate.tensor.Tensor;

/** LocallyConnected2d, Conv1d and Conv3d against the convolution they generalise or specialise, and their sizes. */
class LocalAndVolumeLayersTest {

    @Test
    void locallyConnectedWithTheSameFilterEverywhereIsAConvolution() {
        Random rng = new Random(11);
        Standalone conv = Standalone.of(new Conv2d(3, 3).stride(2).padding(1), 2, 7, 6);
        for (int i = 0; i < conv.params.length; i++) conv.params[i] = (float) rng.nextGaussian();
        Standalone lc = Standalone.of(new LocallyConnected2d(3, 3).stride(2).padding(1), 2, 7, 6);
        int cells = 4 * 3, filter = 2 * 3 * 3;                          // output 3x(4x3) cells, filters of 2·3·3
        for (int o = 0; o < 3; o++)
            for (int q = 0; q < cells; q++) {
                System.arraycopy(conv.params, o * filter, lc.params, (o * cells + q) * filter, filter);
                lc.params[3 * cells * filter + o * cells + q] = conv.params[3 * filter + o];   // bias
            }
        Tensor x = conv.randomInput(2, rng);
        assertArrayEquals(conv.forward(x, false).data, lc.forward(x, false).data, 1e-5f);
    }

    @Test
    void localKernelsWithDilationMatchTheConvolutionKernelsWhenEveryFilterIsTheSame() {
        Random rng = new Random(12);
        ConvGeometry g = new ConvGeometry(2, 9, 8, 3, 3, 2, 2, 1, 2, 1, 2, 3, 1);   // stride 2x1, pad 2x1, dilation 2x3
        int cells = g.outSize(), filter = 2 * 3 * 2, batch = 2;
        float[] w = new float[g.weightSize()], b = new float[3], x = new float[batch * g.inSize()], dy = new float[batch * cells];
        for (float[] a : new float[][] {w, b, x, dy}) for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        float[] lw = new float[cells * filter], lb = new float[cells];
        for (int q = 0; q < cells; q++) {
            int o = q / (g.outH() * g.outW());
            System.arraycopy(w, o * filter, lw, q * filter, filter);
            lb[q] = b[o];
        }
        ScalarKernels ref = new ScalarKernels();
        float[] y = new float[batch * cells], ly = new float[batch * cells];
        ref.conv2dForward(g, batch, x, w, 0, b, 0, y);
        LocalKernels.forward(g, batch, x, lw, 0, lb, 0, ly);
        assertArrayEquals(y, ly, 1e-5f);

        float[] dx = new float[x.length], ldx = new float[x.length];
        ref.conv2dBackwardInput(g, batch, dy, w, 0, dx);
        LocalKernels.backwardInput(g, batch, dy, lw, 0, ldx);
        assertArrayEquals(dx, ldx, 1e-5f);

        // summed over the cells of one filter, the per-cell gradients are the shared filter's gradient
        float[] dw = new float[w.length], ldw = new float[lw.length], shared = new float[w.length];
        ref.conv2dBackwardParams(g, batch, x, dy, dw, 0, null, 0);
        LocalKernels.backwardParams(g, batch, x, dy, ldw, 0, null, 0);
        for (int q = 0; q < cells; q++) {
            int o = q / (g.outH() * g.outW());
            for (int k = 0; k < filter; k++) shared[o * filter + k] += ldw[q * filter + k];
        }
        assertArrayEquals(dw, shared, 1e-4f);
    }

    @Test
    void locallyConnectedRespondsDifferentlyAtDifferentPlaces() {
        // one bright pixel, seen by the top-left and the bottom-right cell: a convolution would answer alike
        Standalone lc = Standalone.of(new LocallyConnected2d(1, 1).bias(false), 1, 2, 2);
        lc.params[0] = 1; lc.params[3] = -1;
        float[] topLeft = lc.forward(Tensor.of(new float[] {1, 0, 0, 0}, 1, 1, 2, 2), false).data;
        float[] bottomRight = lc.forward(Tensor.of(new float[] {0, 0, 0, 1}, 1, 1, 2, 2), false).data;
        assertEquals(1f, topLeft[0]);
        assertEquals(-1f, bottomRight[3]);
    }

    @Test
    void locallyConnectedHasOneFilterPerOutputCell() {
        LocallyConnected2d lc = new LocallyConnected2d(4, 3);
        assertArrayEquals(new int[] {4, 6, 6}, lc.build(new int[] {3, 8, 8}));
        assertEquals(36 * 4 * 27 + 4 * 36, lc.paramCount());
        Conv2d conv = new Conv2d(4, 3);
        conv.build(new int[] {3, 8, 8});
        assertEquals(4 * 27 + 4, conv.paramCount());
        assertEquals(conv.macs(), lc.macs(), "same arithmetic, no sharing");
        assertArrayEquals(new int[] {2, 5, 5}, new LocallyConnected2d(2, 3).padding(Conv2d.SAME).build(new int[] {1, 5, 5}));
    }

    @Test
    void conv1dIsAConvolutionOfHeightOne() {
        Random rng = new Random(5);
        Standalone c1 = Standalone.of(new Conv1d(4, 3).stride(2).padding(2).dilation(2).groups(2), 2, 13);
        Standalone c2 = Standalone.of(new Conv2d(4, 1, 3).stride(1, 2).padding(0, 2).dilation(1, 2).groups(2), 2, 1, 13);
        for (int i = 0; i < c1.params.length; i++) c1.params[i] = c2.params[i] = (float) rng.nextGaussian();
        Tensor x = c1.randomInput(3, rng);
        Tensor y1 = c1.forward(x, false);
        assertArrayEquals(new int[] {3, 4, 7}, y1.shape());
        assertArrayEquals(c2.forward(x.reshape(3, 2, 1, 13), false).data, y1.data, 0f);
        assertEquals(4 * 3 + 4, c1.layer.paramCount());
    }

    /** y[o][a][i][j] = b[o] + Σ padded[c][a·s + k][i·s + l][j·s + m] · w[o][c][k][l][m], with the padding made explicit. */
    private static float[] conv3dReference(float[] x, int c, int d, int h, int w, float[] p, int outC, int k, int s, int pad) {
        int pd = d + 2 * pad, ph = h + 2 * pad, pw = w + 2 * pad;
        double[][][][] padded = new double[c][pd][ph][pw];
        for (int ch = 0; ch < c; ch++)
            for (int a = 0; a < d; a++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++) padded[ch][a + pad][i + pad][j + pad] = x[((ch * d + a) * h + i) * w + j];
        int od = (pd - k) / s + 1, oh = (ph - k) / s + 1, ow = (pw - k) / s + 1, filter = c * k * k * k;
        float[] y = new float[outC * od * oh * ow];
        int yi = 0;
        for (int o = 0; o < outC; o++)
            for (int a = 0; a < od; a++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double sum = p[outC * filter + o];
                        for (int ch = 0; ch < c; ch++)
                            for (int kk = 0; kk < k; kk++)
                                for (int l = 0; l < k; l++)
                                    for (int m = 0; m < k; m++)
                                        sum += padded[ch][a * s + kk][i * s + l][j * s + m] * p[o * filter + ((ch * k + kk) * k + l) * k + m];
                        y[yi++] = (float) sum;
                    }
        return y;
    }

    @Test
    void conv3dMatchesAPaddedReferenceOnVoxelVolumes() {
        Random rng = new Random(9);
        int[][] cases = {{1, 4, 4, 4, 2, 3, 1, 0}, {2, 5, 6, 4, 3, 3, 2, 1}, {3, 3, 5, 7, 1, 2, 1, 1}, {1, 6, 6, 6, 2, 3, 3, 1}};
        for (int[] t : cases) {
            int c = t[0], d = t[1], h = t[2], w = t[3], outC = t[4], k = t[5], s = t[6], pad = t[7];
            Standalone conv = Standalone.of(new Conv3d(outC, k).stride(s).padding(pad), c, d, h, w);
            for (int i = 0; i < conv.params.length; i++) conv.params[i] = (float) rng.nextGaussian();
            Tensor x = conv.randomInput(1, rng);
            float[] expected = conv3dReference(x.data, c, d, h, w, conv.params, outC, k, s, pad);
            assertArrayEquals(expected, conv.forward(x, false).data, 1e-4f, Arrays.toString(t));
        }
    }

    @Test
    void conv3dSizesAndCounts() {
        Conv3d conv = new Conv3d(8, 3).padding(Conv2d.SAME);
        assertArrayEquals(new int[] {8, 16, 32, 32}, conv.build(new int[] {1, 16, 32, 32}));
        assertEquals(8 * 27 + 8, conv.paramCount());
        assertEquals(8L * 16 * 32 * 32 * 27, conv.macs());
        assertArrayEquals(new int[] {2, 3, 1, 4}, new Conv3d(2, 3, 2, 1).stride(2, 2, 1).build(new int[] {1, 7, 3, 4}));
        assertArrayEquals(new int[] {2, 3, 3, 3}, new Conv3d(2, 3).stride(2).padding(1).build(new int[] {1, 5, 5, 5}));
    }
}
