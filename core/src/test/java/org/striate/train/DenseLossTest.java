package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Box;
import org.striate.tasks.GridDetectionLoss;
import org.striate.tasks.GridDetector;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Tensor;

class DenseLossTest {
    private static Tensor gaussian(long seed, float scale, int... shape) {
        Random r = new Random(seed);
        Tensor z = new Tensor(shape);
        for (int i = 0; i < z.size(); i++) z.data[i] = (float) (r.nextGaussian() * scale);
        return z;
    }

    private static Tensor classMaps(long seed, int n, int k, int h, int w) {
        Random r = new Random(seed);
        Tensor t = new Tensor(n, 1, h, w);
        for (int i = 0; i < t.size(); i++) t.data[i] = r.nextInt(k);
        return t;
    }

    @Test
    void pixelCrossEntropyGradientMatchesFiniteDifferences() {
        PixelSoftmaxCrossEntropy loss = new PixelSoftmaxCrossEntropy();
        Tensor z = gaussian(1, 2f, 2, 4, 3, 5), t = classMaps(2, 2, 4, 3, 5);
        LossTest.checkGradient(loss, z, x -> loss.forward(x, t));
    }

    @Test
    void pixelCrossEntropyIsTheMeanOfPerPixelCrossEntropies() {
        int n = 3, k = 5, h = 4, w = 2, plane = h * w;
        Tensor z = gaussian(3, 3f, n, k, h, w), t = classMaps(4, n, k, h, w);
        // the same pixels as rows of (N·H·W, K) for the classification loss
        Tensor rows = new Tensor(n * plane, k);
        int[] labels = new int[n * plane];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                for (int j = 0; j < k; j++) rows.data[(i * plane + p) * k + j] = z.data[(i * k + j) * plane + p];
                labels[i * plane + p] = (int) t.data[i * plane + p];
            }
        }
        PixelSoftmaxCrossEntropy pixel = new PixelSoftmaxCrossEntropy();
        SoftmaxCrossEntropy rowwise = new SoftmaxCrossEntropy();
        assertEquals(rowwise.forward(rows, labels), pixel.forward(z, t), 1e-9);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(rowwise.backward().data[(i * plane + p) * k + j], pixel.backward().data[(i * k + j) * plane + p], 1e-7);
                }
            }
        }
    }

    @Test
    void pixelAccuracyCountsPixelsWhoseLargestScoreIsTheTarget() {
        Tensor z = Tensor.of(new float[] {5, 0, 0, 5, /* class 1: */ 1, 2, 3, 1}, 1, 2, 2, 2);
        Tensor t = Tensor.of(new float[] {0, 1, 0, 0}, 1, 1, 2, 2);   // predicted 0 1 1 0
        assertEquals(0.75, new PixelSoftmaxCrossEntropy().accuracy(z, t), 1e-12);
    }

    @Test
    void pixelCrossEntropyRejectsBadTargets() {
        PixelSoftmaxCrossEntropy loss = new PixelSoftmaxCrossEntropy();
        Tensor z = gaussian(5, 1f, 1, 3, 2, 2);
        assertThrows(StriateException.class, () -> loss.forward(z, Tensor.of(new float[] {0, 1, 3, 0}, 1, 1, 2, 2)));
        assertThrows(StriateException.class, () -> loss.forward(z, Tensor.of(new float[] {0, 0.5f, 1, 0}, 1, 1, 2, 2)));
        assertThrows(ShapeException.class, () -> loss.forward(z, new Tensor(1, 1, 2, 3)));
        assertThrows(StriateException.class, () -> loss.forward(z, new int[] {0}));
    }

    @Test
    void gridDetectionLossGradientMatchesFiniteDifferences() {
        int classes = 3, channels = GridDetector.BOX_CHANNELS + classes;
        Tensor target = new Tensor(2, channels, 2, 2);
        GridDetector.encode(List.of(Box.truth(1, 2, 3, 10, 12), Box.truth(2, 9, 9, 16, 15)), classes, 16, 16, 2, 2, target.data, 0);
        GridDetector.encode(List.of(Box.truth(0, 0, 0, 6, 5)), classes, 16, 16, 2, 2, target.data, channels * 4);
        GridDetectionLoss loss = new GridDetectionLoss();
        Tensor z = gaussian(6, 1f, 2, channels, 2, 2);
        LossTest.checkGradient(loss, z, x -> loss.forward(x, target));
    }

    @Test
    void gridDetectionLossOfAPerfectCellIsItsObjectnessAlone() {
        // one cell, one class: a centred box of the whole image, predicted exactly, objectness logit 0
        Tensor target = new Tensor(1, 6, 1, 1);
        GridDetector.encode(List.of(Box.truth(0, 0, 0, 8, 8)), 1, 8, 8, 1, 1, target.data, 0);
        Tensor z = Tensor.of(new float[] {0f, 0f, 0f, 1f, 1f, 7f}, 1, 6, 1, 1);
        assertEquals(Math.log(2), new GridDetectionLoss().forward(z, target), 1e-6);
    }
}
