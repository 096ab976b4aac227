package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.lab.Equivariance.LayerResult;
import org.striate.lab.Equivariance.Padding;
import org.striate.lab.Equivariance.Result;
import org.striate.nn.BlurPool2d;
import org.striate.nn.Conv2d;
import org.striate.nn.Dense;
import org.striate.nn.Flatten;
import org.striate.nn.LayerSpecs;
import org.striate.nn.ReLU;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.tensor.Tensor;

class EquivarianceTest {
    private static final int K = 5;

    private static Graph stride1() {
        return Sequential.builder(2, 16, 16)
                .add(new Conv2d(4, 3).padding(Conv2d.SAME)).add(new ReLU())
                .add(new Conv2d(3, 5).padding(2))
                .build(11);
    }

    @Test
    void stride1ConvolutionWithCircularPaddingIsEquivariantForEveryShift() {
        Graph model = stride1();
        Result r = Equivariance.probe(model, Equivariance.randomInputs(model, 4, 1), K, Padding.CIRCULAR);
        for (LayerResult l : r.layers()) {
            assertEquals(1, l.jumpH());
            assertTrue(l.periodic());
            for (int t = 1; t <= K; t++) {
                assertTrue(l.comparable()[t - 1]);
                assertTrue(l.errors()[t - 1] < 1e-6, l.name() + " shift " + t + ": " + l.errors()[t - 1]);
                assertEquals(4L * l.outputShape()[0] * 16 * 16 * 2, l.cells()[t - 1], "every cell, both directions");
            }
        }
        assertEquals(-1, r.aliasingLayer());
    }

    @Test
    void stride1ConvolutionIsEquivariantAwayFromTheBorders() {
        Graph model = stride1();
        Result r = Equivariance.probe(model, Equivariance.randomInputs(model, 4, 2), K, Padding.ZERO_MARGIN);
        LayerResult last = r.layers().get(2);
        assertEquals(7, last.fieldH(), "3x3 then 5x5: field 7");
        for (int t = 1; t <= K; t++) {
            assertTrue(last.errors()[t - 1] < 1e-6, "shift " + t + ": " + last.errors()[t - 1]);
            // cells p whose field [p − 3, p + 3] lies in [t, 15] (and p − t in [0, 15]): p = t + 3 .. 12, times 16 along the other axis
            long perDirection = 4L * 3 * 16 * (12 - (3 + t) + 1);
            assertEquals(2 * perDirection, last.cells()[t - 1], "shift " + t);
        }
    }

    @Test
    void zeroPaddingWithoutTheMarginIsNotEquivariant() {
        // the same model with the whole map compared (circular comparison on a zero-padded model) shows the border error
        Graph model = stride1();
        Tensor x = Equivariance.randomInputs(model, 2, 3);
        Tensor moved = Shifts.shift(x, 0, 2);
        Tensor a = model.forward(moved, false).copy();
        Tensor b = Shifts.shift(model.forward(x, false).copy(), 0, 2);
        double d = 0, n = 0;
        for (int i = 0; i < a.size(); i++) { d += (a.data[i] - b.data[i]) * (a.data[i] - b.data[i]); n += b.data[i] * b.data[i]; }
        assertTrue(Math.sqrt(d / n) > 1e-3, "borders break exact equivariance: " + Math.sqrt(d / n));
    }

    private static Graph strided(BlurPoolOrStride down) {
        Sequential.Builder b = Sequential.builder(2, 16, 16).add(new Conv2d(6, 3).padding(Conv2d.SAME)).add(new ReLU());
        if (down == BlurPoolOrStride.STRIDE) b.add(new Conv2d(6, 3).stride(2).padding(1));
        else b.add(new Conv2d(6, 3).padding(1)).add(new BlurPool2d(2, down == BlurPoolOrStride.BLUR5 ? 5 : 1));
        return b.add(new ReLU()).add(new Conv2d(4, 3).padding(Conv2d.SAME)).build(5);
    }

    private enum BlurPoolOrStride { STRIDE, SUBSAMPLE, BLUR5 }

    @Test
    void afterAStride2LayerOnlyEvenShiftsStayEquivariant() {
        Graph model = strided(BlurPoolOrStride.STRIDE);
        Result r = Equivariance.probe(model, Equivariance.randomInputs(model, 4, 4), 4, Padding.CIRCULAR);
        LayerResult down = r.layers().get(2);
        assertEquals(2, down.jumpH());
        for (int t = 1; t <= 4; t++) {
            double e = down.errors()[t - 1];
            if (t % 2 == 0) {
                assertTrue(down.comparable()[t - 1]);
                assertTrue(e < 1e-6, "even shift " + t + ": " + e);
            } else {
                assertFalse(down.comparable()[t - 1]);
                assertTrue(e > 0.1, "odd shift " + t + ": " + e);
            }
        }
        for (LayerResult l : r.layers().subList(0, 2)) assertTrue(l.maxOtherError() != l.maxOtherError() && l.maxComparableError() < 1e-6);
        assertEquals(2, r.aliasingLayer(), "the stride-2 convolution");
        LayerResult last = r.layers().get(4);
        assertTrue(last.errors()[1] < 1e-6 && last.errors()[3] < 1e-6 && last.errors()[0] > 0.1);
    }

    @Test
    void blurPoolLowersTheOddShiftError() {
        Graph plain = strided(BlurPoolOrStride.SUBSAMPLE), blurred = strided(BlurPoolOrStride.BLUR5);
        Tensor x = smoothInputs(plain);
        for (Padding p : Padding.values()) {
            Result a = Equivariance.probe(plain, x, 3, p), b = Equivariance.probe(blurred, x, 3, p);
            LayerResult sa = a.layers().get(3), sb = b.layers().get(3);
            assertEquals("BlurPool2d", sb.type());
            assertEquals(2, sa.jumpW());
            for (int t : new int[] {1, 3}) {
                assertTrue(sb.errors()[t - 1] < 0.7 * sa.errors()[t - 1],
                        p + " shift " + t + ": blurred " + sb.errors()[t - 1] + " vs subsampled " + sa.errors()[t - 1]);
            }
            if (p == Padding.CIRCULAR) assertTrue(sb.errors()[1] < 1e-6, "even shifts stay exact with the blur");
        }
    }

    @Test
    void maxBlurPoolLowersTheOddShiftErrorOfMaxPooling() {
        // Zhang 2019: max pooling with stride 2 = dense max (stride 1) then subsampling; blur before subsampling
        Graph max = LayerSpecs.parse("conv 6 3x3 pad=same\nrelu\nmaxpool 2\n", "t", new int[] {2, 16, 16}).build(8);
        Graph blur = LayerSpecs.parse("conv 6 3x3 pad=same\nrelu\nmaxpool 2 stride=1\nblurpool size=5\n", "t", new int[] {2, 16, 16}).build(8);
        Tensor x = smoothInputs(max);
        Result a = Equivariance.probe(max, x, 3, Padding.CIRCULAR), b = Equivariance.probe(blur, x, 3, Padding.CIRCULAR);
        LayerResult pooled = a.layers().get(2), blurred = b.layers().get(3);
        assertEquals(2, pooled.jumpH());
        assertEquals(2, blurred.jumpH());
        assertTrue(pooled.errors()[1] < 1e-6, "max pooling keeps even shifts exact: " + pooled.errors()[1]);
        assertEquals(2, a.aliasingLayer());
        for (int t : new int[] {1, 3}) {
            assertTrue(blurred.errors()[t - 1] < 0.7 * pooled.errors()[t - 1],
                    "shift " + t + ": max-blur " + blurred.errors()[t - 1] + " vs max " + pooled.errors()[t - 1]);
        }
    }

    @Test
    void aLocallyConnectedLayerIsNotEquivariantEvenAwayFromTheBorders() {
        Graph lc = LayerSpecs.parse("lc 4 3x3 pad=same\n", "t", new int[] {1, 12, 12}).build(3);
        Result r = Equivariance.probe(lc, Equivariance.randomInputs(lc, 4, 2), 2, Padding.ZERO_MARGIN);
        LayerResult l = r.layers().get(0);
        assertTrue(l.comparable()[0] && l.cells()[0] > 0);
        assertTrue(l.errors()[0] > 0.3, "each position has its own filter: " + l.errors()[0]);
        Result c = Equivariance.probe(lc, Equivariance.randomInputs(lc, 4, 2), 2, Padding.CIRCULAR);
        assertTrue(c.layers().get(0).errors()[0] > 0.3, "nor with circular padding: " + c.layers().get(0).errors()[0]);
    }

    @Test
    void globalAveragePoolingIsInvariantToCircularShifts() {
        Graph m = LayerSpecs.parse("conv 4 3x3 pad=same\nrelu\ngap\ndense 3\n", "t", new int[] {1, 12, 12}).build(4);
        Result r = Equivariance.probe(m, Equivariance.randomInputs(m, 3, 1), 3, Padding.CIRCULAR);
        assertFalse(r.layers().get(2).spatial());
        for (int t = 0; t < 3; t++) {
            assertTrue(r.layers().get(2).errors()[t] < 1e-6, "gap, shift " + (t + 1));
            assertTrue(r.layers().get(3).errors()[t] < 1e-6, "dense after gap, shift " + (t + 1));
        }
    }

    @Test
    void globalLayersReportTheInvarianceError() {
        Graph model = Sequential.builder(1, 12, 12).add(new Conv2d(2, 3).padding(Conv2d.SAME)).add(new Flatten()).add(new Dense(3)).build(2);
        Result r = Equivariance.probe(model, Equivariance.randomInputs(model, 2, 5), 2, Padding.CIRCULAR);
        LayerResult flat = r.layers().get(1);
        assertFalse(flat.spatial());
        assertTrue(flat.errors()[0] > 0.1, "a flattened map changes with the shift: " + flat.errors()[0]);
        assertEquals(2L * 2 * 12 * 12 * 2, flat.cells()[0]);
    }

    @Test
    void rejectsBadShifts() {
        Graph model = stride1();
        Tensor x = Equivariance.randomInputs(model, 1, 1);
        StriateException e = assertThrows(StriateException.class, () -> Equivariance.probe(model, x, 0, Padding.CIRCULAR));
        assertTrue(e.getMessage().contains("max-shift=0"), e.getMessage());
        assertThrows(StriateException.class, () -> Equivariance.probe(model, x, 16, Padding.CIRCULAR));
        assertThrows(StriateException.class, () -> Equivariance.probe(model, new Tensor(1, 1, 16, 16), 2, Padding.CIRCULAR));
    }

    /** Low-frequency images (sums of a few smooth waves), closer to photographs than white noise. */
    static Tensor smoothInputs(Graph model) {
        int[] s = model.inputShape();
        Tensor x = new Tensor(4, s[0], s[1], s[2]);
        java.util.Random rng = new java.util.Random(9);
        for (int n = 0; n < 4; n++) {
            for (int c = 0; c < s[0]; c++) {
                double fy = 1 + rng.nextInt(3), fx = 1 + rng.nextInt(3), ph = rng.nextDouble() * 6;
                for (int i = 0; i < s[1]; i++) {
                    for (int j = 0; j < s[2]; j++) {
                        x.set((float) (0.5 + 0.5 * Math.sin(2 * Math.PI * (fy * i / s[1] + fx * j / s[2]) + ph)), n, c, i, j);
                    }
                }
            }
        }
        return x;
    }
}
