package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Tensor;

class LossTest {
    private static final int N = 5, K = 4;

    /** Central differences of the loss (computed in double) against backward(), element by element. */
    static void checkGradient(Loss loss, Tensor z, ToDoubleFunction<Tensor> forward) {
        forward.applyAsDouble(z);
        float[] analytic = loss.backward().data.clone();
        float h = 1e-2f;
        for (int j = 0; j < z.size(); j++) {
            float saved = z.data[j];
            z.data[j] = saved + h;
            float up = z.data[j];
            double lossUp = forward.applyAsDouble(z);
            z.data[j] = saved - h;
            float down = z.data[j];
            double lossDown = forward.applyAsDouble(z);
            z.data[j] = saved;
            double numeric = (lossUp - lossDown) / ((double) up - down);
            double rel = Math.abs(analytic[j] - numeric) / Math.max(1e-6, Math.abs(analytic[j]) + Math.abs(numeric));
            assertTrue(rel <= 1e-3, loss.name() + " element " + j + ": analytic " + analytic[j] + " numeric " + numeric + " rel " + rel);
        }
    }

    private static Tensor randomLogits(long seed, float scale) {
        Random r = new Random(seed);
        Tensor z = new Tensor(N, K);
        for (int i = 0; i < z.size(); i++) z.data[i] = (float) (r.nextGaussian() * scale);
        return z;
    }

    private static int[] randomLabels(long seed, int classes) {
        Random r = new Random(seed);
        int[] l = new int[N];
        for (int i = 0; i < N; i++) l[i] = r.nextInt(classes);
        return l;
    }

    private static Tensor randomDistribution(long seed) {
        Random r = new Random(seed);
        Tensor t = new Tensor(N, K);
        for (int i = 0; i < N; i++) {
            double sum = 0;
            for (int j = 0; j < K; j++) sum += t.data[i * K + j] = r.nextFloat();
            for (int j = 0; j < K; j++) t.data[i * K + j] /= (float) sum;
        }
        return t;
    }

    @Test
    void softmaxCrossEntropyGradientMatchesFiniteDifferences() {
        for (long seed = 1; seed <= 3; seed++) {
            Loss loss = new SoftmaxCrossEntropy();
            int[] labels = randomLabels(seed, K);
            checkGradient(loss, randomLogits(seed, 3), z -> loss.forward(z, labels));
            Tensor soft = randomDistribution(seed + 10);
            checkGradient(loss, randomLogits(seed + 20, 3), z -> loss.forward(z, soft));
        }
    }

    @Test
    void binaryCrossEntropyGradientMatchesFiniteDifferences() {
        for (long seed = 1; seed <= 3; seed++) {
            Loss loss = new BinaryCrossEntropyWithLogits();
            int[] labels = randomLabels(seed, K);
            checkGradient(loss, randomLogits(seed, 3), z -> loss.forward(z, labels));
            Tensor targets = randomDistribution(seed + 10);
            checkGradient(loss, randomLogits(seed + 20, 3), z -> loss.forward(z, targets));
            // one output per sample, labels 0/1
            Tensor single = new Tensor(N, 1);
            for (int i = 0; i < N; i++) single.data[i] = (float) (new Random(seed + i).nextGaussian() * 2);
            int[] binary = randomLabels(seed + 30, 2);
            checkGradient(loss, single, z -> loss.forward(z, binary));
        }
    }

    @Test
    void meanSquaredErrorGradientMatchesFiniteDifferences() {
        for (long seed = 1; seed <= 3; seed++) {
            Loss loss = new MeanSquaredError();
            int[] labels = randomLabels(seed, K);
            checkGradient(loss, randomLogits(seed, 1), z -> loss.forward(z, labels));
            Tensor targets = randomLogits(seed + 10, 1);
            checkGradient(loss, randomLogits(seed + 20, 1), z -> loss.forward(z, targets));
        }
    }

    @Test
    void lossValuesMatchTheirDefinitions() {
        Tensor z = randomLogits(7, 2);
        int[] labels = randomLabels(7, K);
        double ce = 0, bce = 0, mse = 0;
        for (int i = 0; i < N; i++) {
            double sum = 0;
            for (int j = 0; j < K; j++) sum += Math.exp(z.data[i * K + j]);
            ce += -Math.log(Math.exp(z.data[i * K + labels[i]]) / sum);
            for (int j = 0; j < K; j++) {
                double t = labels[i] == j ? 1 : 0, v = z.data[i * K + j], s = 1 / (1 + Math.exp(-v));
                bce += -(t * Math.log(s) + (1 - t) * Math.log(1 - s));
                mse += (v - t) * (v - t);
            }
        }
        assertEquals(ce / N, new SoftmaxCrossEntropy().forward(z, labels), 1e-9);
        assertEquals(bce / (N * K), new BinaryCrossEntropyWithLogits().forward(z, labels), 1e-9);
        assertEquals(mse / (N * K), new MeanSquaredError().forward(z, labels), 1e-9);
        // uniform logits: cross-entropy is log K whatever the label
        assertEquals(Math.log(K), new SoftmaxCrossEntropy().forward(new Tensor(N, K), labels), 1e-12);
    }

    @Test
    void crossEntropyIsStableOnHugeLogits() {
        Loss loss = new SoftmaxCrossEntropy();
        Tensor z = Tensor.of(new float[] {1000, -1000, 1000, -1000, -1000, 1000}, 3, 2);
        double value = loss.forward(z, new int[] {0, 1, 1});
        // samples 0 and 2 are certain and right (loss 0), sample 1 certain and wrong (loss 2000)
        assertEquals(2000.0 / 3, value, 1e-9);
        float[] g = loss.backward().data;
        float[] expected = {0, 0, 1f / 3, -1f / 3, 0, 0};
        for (int i = 0; i < g.length; i++) assertEquals(expected[i], g[i], 1e-7, "gradient " + i);

        // three classes where two are close: softmax of (1000, 999) without overflow
        Tensor close = Tensor.of(new float[] {1000, 999, -1000}, 1, 3);
        double v = loss.forward(close, new int[] {1});
        double p1 = Math.exp(-1) / (1 + Math.exp(-1));
        assertEquals(-Math.log(p1), v, 1e-9);
        assertEquals(1 - p1, loss.backward().data[0], 1e-6);
        assertEquals(p1 - 1, loss.backward().data[1], 1e-6);
        assertEquals(0, loss.backward().data[2], 1e-30);
        checkGradient(loss, close, t -> loss.forward(t, new int[] {1}));
    }

    @Test
    void binaryCrossEntropyIsStableOnHugeLogits() {
        Loss loss = new BinaryCrossEntropyWithLogits();
        Tensor z = Tensor.of(new float[] {1000, -1000, 1000, -1000}, 4, 1);
        double v = loss.forward(z, new int[] {1, 0, 0, 1});
        assertEquals(2000.0 / 4, v, 1e-9);
        float[] g = loss.backward().data;
        float[] expected = {0, 0, 0.25f, -0.25f};
        for (int i = 0; i < 4; i++) assertEquals(expected[i], g[i], 1e-7, "gradient " + i);
    }

    @Test
    void predictedClassReadsOutputs() {
        assertEquals(2, new SoftmaxCrossEntropy().predictedClass(new float[] {9, 0, 1, 5, 0.5f}, 1, 4));
        Loss bce = new BinaryCrossEntropyWithLogits();
        assertEquals(1, bce.predictedClass(new float[] {0.1f}, 0, 1));
        assertEquals(0, bce.predictedClass(new float[] {-0.1f}, 0, 1));
    }

    @Test
    void badTargetsAreRejectedWithTypedErrors() {
        Tensor z = new Tensor(2, 3);
        StriateException e = assertThrows(StriateException.class, () -> new SoftmaxCrossEntropy().forward(z, new int[] {0, 3}));
        assertTrue(e.getMessage().contains("Label 3 of sample 1"), e.getMessage());
        assertThrows(StriateException.class, () -> new MeanSquaredError().forward(z, new int[] {-1, 0}));
        assertThrows(StriateException.class, () -> new BinaryCrossEntropyWithLogits().forward(new Tensor(2, 1), new int[] {0, 2}));
        assertThrows(ShapeException.class, () -> new SoftmaxCrossEntropy().forward(z, new int[] {0}));
        ShapeException s = assertThrows(ShapeException.class, () -> new MeanSquaredError().forward(z, new Tensor(2, 4)));
        assertTrue(s.getMessage().contains("(2, 3)") && s.getMessage().contains("(2, 4)"), s.getMessage());
        assertThrows(StriateException.class, () -> new SoftmaxCrossEntropy().checkClasses(10, 2));
        new BinaryCrossEntropyWithLogits().checkClasses(1, 2);
    }

    /** Label smoothing ε is cross-entropy against the dense target (1 − ε)·one-hot + ε/K, value and gradient. */
    @Test
    void labelSmoothingIsCrossEntropyAgainstTheSmoothedTarget() {
        double eps = 0.1;
        int[] labels = randomLabels(4, K);
        Tensor smoothed = new Tensor(N, K);
        for (int i = 0; i < N; i++) for (int j = 0; j < K; j++) smoothed.data[i * K + j] = (float) ((labels[i] == j ? 1 - eps : 0) + eps / K);
        Tensor z = randomLogits(5, 3);
        SoftmaxCrossEntropy withSmoothing = new SoftmaxCrossEntropy(eps), plain = new SoftmaxCrossEntropy();
        double a = withSmoothing.forward(z, labels), b = plain.forward(z, smoothed);
        assertEquals(b, a, 1e-6);
        assertTrue(Math.abs(a - plain.forward(z, labels)) > 1e-4, "smoothing changes the loss");
        checkGradient(withSmoothing, randomLogits(6, 3), t -> withSmoothing.forward(t, labels));
        assertThrows(StriateException.class, () -> new SoftmaxCrossEntropy(1.0));
        assertThrows(StriateException.class, () -> new SoftmaxCrossEntropy(-0.1));
    }
}
