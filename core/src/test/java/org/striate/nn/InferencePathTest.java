package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * The inference path (fused layers, BatchNorm folded into the convolution before it) gives the
 * outputs of running every layer on its own, for every built-in model, with BatchNorm statistics and
 * affine parameters far from their initial values so that folding has something to fold.
 */
class InferencePathTest {

    @Test
    void everyBuiltInModelMatchesItsUnfusedForward() {
        for (String name : Zoo.names()) {
            Graph model = Zoo.build(name, 7);
            Random r = new Random(name.hashCode());
            for (Layer layer : model.layers()) {
                if (layer instanceof BatchNorm2d bn) randomStatistics(bn, r);
            }
            Tensor x = new Tensor(Shapes.withBatch(3, model.inputShape()));
            for (int i = 0; i < x.size(); i++) x.data[i] = r.nextFloat();
            float[] fused = model.forward(x, false).data.clone();
            Tensor[] each = model.runNodes(x, (node, in) -> node.layer().forward(in, false).copy());
            float[] plain = each[each.length - 1].data;
            assertClose(name, plain, fused, 1e-4); // folds in several layers compound their roundings
        }
    }

    @Test
    void foldedBatchNormMatchesWithin1e5() {
        Random r = new Random(5);
        GraphBuilder g = Graph.builder();
        Node in = g.input(3, 9, 11);
        Node c = g.add(new Conv2d(5, 3).padding(1).stride(2), in);
        g.output(g.add(new BatchNorm2d(), c));
        Graph model = g.build(3);
        randomStatistics((BatchNorm2d) model.layer(1), r);
        for (int i = 0; i < model.params().length; i++) model.params()[i] = r.nextFloat() * 2 - 1;
        Tensor x = new Tensor(4, 3, 9, 11);
        for (int i = 0; i < x.size(); i++) x.data[i] = r.nextFloat() * 2 - 1;
        float[] fused = model.forward(x, false).data.clone();
        float[] plain = model.layer(1).forward(model.layer(0).forward(x, false), false).data;
        assertClose("conv+batchnorm", plain, fused, 1e-5);
    }

    private static void randomStatistics(BatchNorm2d bn, Random r) {
        float[] state = bn.state();
        int c = state.length / 2;
        for (int i = 0; i < c; i++) {
            state[i] = r.nextFloat() - 0.5f;
            state[c + i] = 0.2f + 2 * r.nextFloat();
        }
        bn.loadState(state);
        float[] p = bn.params;
        for (int i = 0; i < c; i++) {
            p[bn.offset + i] = 0.5f + r.nextFloat();
            p[bn.offset + c + i] = r.nextFloat() - 0.5f;
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual, double relative) {
        for (int i = 0; i < expected.length; i++) {
            double tol = relative * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + ": output " + i + " unfused " + expected[i] + " but inference path " + actual[i]);
        }
    }
}
