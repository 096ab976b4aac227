package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.lab.Equivariance.LayerResult;
import org.striate.lab.Equivariance.Padding;
import org.striate.lab.Equivariance.Result;
import org.striate.nn.Conv2d;
import org.striate.nn.ConvTranspose2d;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.nn.MaxPool2d;
import org.striate.nn.Sequential;
import org.striate.nn.Upsample;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;

/** Up-sampling layers (nearest, bilinear, transposed convolutions) in the shift probes. */
class EquivarianceUpsamplingTest {
    private static final int K = 4;

    /** conv → maxpool 2 → {@code up} → conv, on 2×16×16: the up-sampling is layer 2. */
    private static Graph pooledThenUp(Layer up) {
        return Sequential.builder(2, 16, 16)
                .add(new Conv2d(4, 3).padding(Conv2d.SAME)).add(new MaxPool2d(2))
                .add(up).add(new Conv2d(3, 3).padding(1))
                .build(7);
    }

    @Test
    void afterPoolingAndNearestUpsamplingOnlyEvenShiftsAreComparableAndExactOnTheTorus() {
        Graph model = pooledThenUp(new Upsample(2));
        Result r = Equivariance.probe(model, Equivariance.randomInputs(model, 3, 1), K, Padding.CIRCULAR);
        for (LayerResult l : r.layers().subList(2, 4)) {
            assertEquals(1.0, l.jumpH(), l.name() + ": back to one cell per input pixel");
            assertEquals(2, l.stepH(), l.name() + ": the pooling still sees odd shifts as half cells");
            assertTrue(l.periodic(), l.name());
            for (int t = 1; t <= K; t++) {
                double e = l.errors()[t - 1];
                if (t % 2 == 0) {
                    assertTrue(l.comparable()[t - 1], l.name() + " shift " + t);
                    assertTrue(e < 1e-6, l.name() + " even shift " + t + ": " + e);
                    assertEquals(3L * l.outputShape()[0] * 16 * 16 * 2, l.cells()[t - 1], "every cell, both directions");
                } else {
                    assertFalse(l.comparable()[t - 1], l.name() + " shift " + t);
                    assertTrue(e > 1e-3, l.name() + " odd shift " + t + " meets the pooling's aliasing: " + e);
                }
            }
        }
        assertEquals(1, r.aliasingLayer(), "the pooling");
    }

    @Test
    void withZeroPaddingEvenShiftsAreExactAwayFromTheBorders() {
        // bilinear and overlapping transposed kernels read several cells: the margin must keep their borders out
        for (Layer up : List.of(new Upsample(2), new Upsample(2, Upsample.Mode.BILINEAR),
                new ConvTranspose2d(4, 2).stride(2), new ConvTranspose2d(4, 3).stride(2).padding(1).outputPadding(1))) {
            Graph model = pooledThenUp(up);
            Result r = Equivariance.probe(model, Equivariance.randomInputs(model, 3, 2), K, Padding.ZERO_MARGIN);
            for (LayerResult l : r.layers().subList(2, 4)) {
                assertEquals(16, l.outputShape()[1], up.type());
                for (int t = 2; t <= K; t += 2) {
                    assertTrue(l.cells()[t - 1] > 0, up.type() + " " + l.name() + " shift " + t + ": some cells are far from the borders");
                    assertTrue(l.errors()[t - 1] < 1e-5, up.type() + " " + l.name() + " shift " + t + ": " + l.errors()[t - 1]);
                }
                assertFalse(l.comparable()[0]);
            }
        }
    }

    @Test
    void onlyUpsamplingThatRepeatsEachCellIsPeriodic() {
        assertTrue(periodicAt2(new Upsample(2)), "nearest");
        assertTrue(periodicAt2(new ConvTranspose2d(4, 2).stride(2)), "kernel == stride, no padding");
        assertFalse(periodicAt2(new Upsample(2, Upsample.Mode.BILINEAR)), "bilinear clamps at the ends");
        assertFalse(periodicAt2(new ConvTranspose2d(4, 3).stride(2).padding(1).outputPadding(1)), "overlapping kernels, cropped");
        assertFalse(periodicAt2(new ConvTranspose2d(4, 4).stride(2).padding(1)), "overlapping kernels, cropped");
    }

    private static boolean periodicAt2(Layer up) {
        Graph model = pooledThenUp(up);
        Result r = Equivariance.probe(model, Equivariance.randomInputs(model, 1, 3), 2, Padding.CIRCULAR);
        assertTrue(r.layers().get(1).periodic(), "the pooling before it");
        assertEquals(r.layers().get(2).periodic(), r.layers().get(3).periodic(), "the layer after inherits it");
        return r.layers().get(2).periodic();
    }

    @Test
    void aFractionalJumpIsKeptExact() {
        // up-sampling by 3 then a stride-2 convolution: J = 2/3, so a shift of 2 pixels is 3 whole cells
        Graph model = Sequential.builder(1, 12, 12)
                .add(new Conv2d(3, 3).padding(1)).add(new Upsample(3)).add(new Conv2d(2, 3).stride(2).padding(1))
                .build(4);
        for (Padding p : Padding.values()) {
            Result r = Equivariance.probe(model, Equivariance.randomInputs(model, 2, 5), K, p);
            LayerResult up = r.layers().get(1), last = r.layers().get(2);
            assertEquals(1 / 3.0, up.jumpH(), 1e-12);
            assertEquals(1, up.stepH());
            assertEquals(2 / 3.0, last.jumpH(), 1e-12);
            assertEquals(2, last.stepH());
            for (int t = 1; t <= K; t++) {
                assertTrue(up.comparable()[t - 1] && up.errors()[t - 1] < 1e-6, p + " up-sampled, shift " + t + ": " + up.errors()[t - 1]);
                assertEquals(t % 2 == 0, last.comparable()[t - 1], "shift " + t);
                if (t % 2 == 0) assertTrue(last.errors()[t - 1] < 1e-5, p + " shift " + t + ": " + last.errors()[t - 1]);
            }
        }
    }

    @Test
    void unetSmallIsProbedAndItsOutputComparesMultiplesOf4() {
        Graph unet = Zoo.build("unet-small", new int[] {1, 32, 32}, 3, 1);
        Tensor x = Equivariance.randomInputs(unet, 2, 6);
        for (Padding p : Padding.values()) {
            Result r = Equivariance.probe(unet, x, 8, p);
            LayerResult out = r.layers().get(r.layers().size() - 1);
            assertEquals(1.0, out.jumpH());
            assertEquals(4, out.stepH());
            for (int t = 1; t <= 8; t++) {
                assertEquals(t % 4 == 0, out.comparable()[t - 1], p + " shift " + t);
                if (p == Padding.CIRCULAR && t % 4 == 0) {
                    assertTrue(out.periodic());
                    assertTrue(out.errors()[t - 1] < 1e-5, "circular shift " + t + ": " + out.errors()[t - 1]);
                }
            }
            LayerResult up2 = r.layers().stream().filter(l -> l.name().equals("up2")).findFirst().orElseThrow();
            assertEquals(2.0, up2.jumpH());
            assertEquals(4, up2.stepH());
        }
    }
}
