package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

class BatchNorm2dTest {

    /** Channel c of a (4, 2, 3, 3) batch: values 5 + 3·noise in channel 0, −2 + 0.5·noise in channel 1. */
    private static Tensor batch() {
        Random rng = new Random(3);
        Tensor x = new Tensor(4, 2, 3, 3);
        for (int n = 0; n < 4; n++)
            for (int i = 0; i < 9; i++) {
                x.data[(n * 2) * 9 + i] = (float) (5 + 3 * rng.nextGaussian());
                x.data[(n * 2 + 1) * 9 + i] = (float) (-2 + 0.5 * rng.nextGaussian());
            }
        return x;
    }

    private static double[] meanAndVariance(Tensor t, int c) {
        double sum = 0, sq = 0;
        for (int n = 0; n < 4; n++) for (int i = 0; i < 9; i++) sum += t.data[(n * 2 + c) * 9 + i];
        double m = sum / 36;
        for (int n = 0; n < 4; n++) for (int i = 0; i < 9; i++) sq += Math.pow(t.data[(n * 2 + c) * 9 + i] - m, 2);
        return new double[] {m, sq / 36};
    }

    @Test
    void trainingNormalisesEachChannelWithTheBatchStatistics() {
        Tensor y = Standalone.of(new BatchNorm2d(), 2, 3, 3).forward(batch(), true);
        for (int c = 0; c < 2; c++) {
            double[] mv = meanAndVariance(y, c);
            assertEquals(0, mv[0], 1e-5, "mean of channel " + c);
            assertEquals(1, mv[1], 1e-3, "variance of channel " + c);
        }
    }

    /**
     * Conv2d → BatchNorm2d → ReLU trains with the normalisation and the ReLU as one pass: outputs,
     * gradients and running statistics as those of the same layers with a ReLU that does not fuse (a
     * leaky one of slope 0), over two steps.
     */
    @Test
    void normalisationAndReluAfterAConvolutionTrainAsTheLayersInTurn() {
        String body = "input 3x9x9\nconv 4 3x3 pad=1\nbatchnorm\n%s\nflatten\ndense 5\n";
        Graph fused = LayerSpecs.parse(String.format(body, "relu"), "fused.spec", null).build(7);
        Graph plain = LayerSpecs.parse(String.format(body, "leakyrelu alpha=0"), "plain.spec", null).build(7);
        System.arraycopy(fused.params(), 0, plain.params(), 0, fused.params().length);
        Random rng = new Random(8);
        Tensor x = new Tensor(6, 3, 9, 9), dy = new Tensor(6, 5);
        for (int step = 0; step < 2; step++) {
            for (int i = 0; i < x.size(); i++) x.data[i] = (float) rng.nextGaussian() + step;
            for (int i = 0; i < dy.size(); i++) dy.data[i] = (float) rng.nextGaussian();
            float[] a = fused.forward(x, true).copy().data, b = plain.forward(x, true).copy().data;
            assertArrayEquals(b, a, 1e-5f, "outputs at step " + step);
            fused.zeroGrad();
            plain.zeroGrad();
            float[] dxa = fused.backward(dy.copy()).copy().data, dxb = plain.backward(dy.copy()).copy().data;
            assertArrayEquals(dxb, dxa, 1e-5f, "input gradients at step " + step);
            assertArrayEquals(plain.grads(), fused.grads(), 1e-4f, "parameter gradients at step " + step);
        }
        BatchNorm2d normA = (BatchNorm2d) fused.layers().get(1), normB = (BatchNorm2d) plain.layers().get(1);
        assertArrayEquals(normB.state(), normA.state(), 1e-6f, "running statistics");
    }

    @Test
    void runningStatisticsMoveByTheMomentumWithTheUnbiasedVariance() {
        Standalone bn = Standalone.of(new BatchNorm2d(0.25f, 1e-5f), 2, 3, 3);
        Tensor x = batch();
        bn.forward(x, true);
        float[] state = bn.layer.state();
        for (int c = 0; c < 2; c++) {
            double[] mv = meanAndVariance(x, c);
            assertEquals(0.25 * mv[0], state[c], 1e-5, "running mean " + c);
            assertEquals(0.75 + 0.25 * mv[1] * 36 / 35, state[2 + c], 1e-4, "running variance " + c);
        }
    }

    @Test
    void evaluationUsesTheRunningStatisticsAndGammaBeta() {
        Standalone bn = Standalone.of(new BatchNorm2d(), 2, 3, 3);
        bn.layer.loadState(new float[] {1, -2, 4, 0.25f});
        bn.params[0] = 2; bn.params[1] = 3;      // gamma
        bn.params[2] = 0.5f; bn.params[3] = -1;  // beta
        Tensor x = batch();
        Tensor y = bn.forward(x, false);
        for (int i = 0; i < 9; i++) {
            assertEquals(2 * (x.data[i] - 1) / Math.sqrt(4 + 1e-5) + 0.5, y.data[i], 1e-5);
            assertEquals(3 * (x.data[9 + i] + 2) / Math.sqrt(0.25 + 1e-5) - 1, y.data[9 + i], 1e-4);
        }
        assertArrayEquals(new float[] {1, -2, 4, 0.25f}, bn.layer.state(), "evaluation does not move the running statistics");
    }

    @Test
    void stateHasTwoFloatsPerChannelAndRejectsAnotherLength() {
        Standalone bn = Standalone.of(new BatchNorm2d(), 3, 2, 2);
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, bn.layer.state());
        assertEquals(6, bn.layer.paramCount());
        StriateException e = assertThrows(StriateException.class, () -> bn.layer.loadState(new float[4]));
        assertTrue(e.getMessage().contains("expects a state of 6 floats") && e.getMessage().contains("received 4"), e.getMessage());
    }
}
