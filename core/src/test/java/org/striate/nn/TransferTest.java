package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

class TransferTest {
    private static Graph model() {
        Graph g = LayerSpecs.parse("""
                input 1x8x8
                conv 4 3x3 pad=same name=features
                batchnorm
                relu
                flatten
                dense 6 name=mid
                relu name=penultimate
                dense 3 bias=false name=fc
                softmax
                """, "test", null).build(1);
        // non-trivial running statistics, to see that they are carried over
        Tensor x = new Tensor(4, 1, 8, 8);
        Random rng = new Random(2);
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextFloat() * 3;
        g.forward(x, true);
        return g.normalization(new float[] {0.2f}, new float[] {0.4f}).classNames("a", "b", "c");
    }

    @Test
    void newHeadKeepsEveryOtherLayerAndReplacesTheLastDense() {
        Graph old = model();
        old.layers().get(0).trainable(false);
        Graph g = Transfer.newHead(old, 5, 7);
        assertArrayEquals(new int[] {5}, g.outputShape());
        assertEquals(old.layers().size(), g.layers().size());
        assertArrayEquals(old.mean(), g.mean());
        assertArrayEquals(old.std(), g.std());
        assertEquals(0, g.classNames().length, "the old head's class names do not name the new outputs");
        for (int i = 0; i < g.layers().size(); i++) {
            Layer a = old.layers().get(i), b = g.layers().get(i);
            assertEquals(a.name(), b.name());
            assertEquals(a.trainable(), b.trainable(), a.name());
            if (a.name().equals("fc")) {
                assertEquals(6 * 5, b.paramCount(), "no bias, as the old head");
                continue;
            }
            assertArrayEquals(Arrays.copyOfRange(old.params(), a.paramOffset(), a.paramOffset() + a.paramCount()),
                    Arrays.copyOfRange(g.params(), b.paramOffset(), b.paramOffset() + b.paramCount()), a.name());
            assertArrayEquals(a.state(), b.state(), a.name());
        }
        assertFalse(g.layers().get(0).trainable());
        // the features up to the head are the old model's, bit for bit
        Tensor x = new Tensor(3, 1, 8, 8);
        Random rng = new Random(5);
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextFloat();
        assertArrayEquals(old.activations(x)[6].data, g.activations(x)[6].data);
        float[] y = g.forward(x, false).data;
        for (int n = 0; n < 3; n++) {
            double sum = 0;
            for (int k = 0; k < 5; k++) sum += y[n * 5 + k];
            assertEquals(1, sum, 1e-5, "the softmax after the head is kept");
        }
    }

    @Test
    void aModelWithoutDenseLayerHasNoHeadToReplace() {
        Graph g = LayerSpecs.parse("input 1x8x8\nconv 3 1x1\ngap", "test", null).build(1);
        StriateException e = assertThrows(StriateException.class, () -> Transfer.newHead(g, 4, 1));
        assertTrue(e.getMessage().contains("no dense layer"), e.getMessage());
        assertThrows(StriateException.class, () -> Transfer.newHead(model(), 0, 1));
    }
}
