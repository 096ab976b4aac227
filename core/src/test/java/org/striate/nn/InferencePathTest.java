package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.ScalarKernels;
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

    /**
     * Conv2d → ReLU → max pool (2×2, and 3×3 at stride 2 with padding) and Conv2d → BatchNorm2d → ReLU
     * run as one pass each at inference (odd map sizes drop their last row and column), on the scalar
     * kernels and the vector ones.
     */
    @Test
    void threeLayerPassesMatchLayerByLayer() {
        String spec = """
                input 3x13x11
                conv 64 3x3 pad=1
                relu
                maxpool 3 stride=2 pad=1
                conv 64 3x3 pad=1
                relu
                maxpool 2
                conv 5 3x3 pad=1
                batchnorm
                relu
                conv 7 3x3 stride=2 pad=1
                relu
                maxpool 2
                flatten
                dense 4
                """;
        Graph model = LayerSpecs.parse(spec, "test", null).build(3);
        assertEquals(List.of("conv2d_1+relu_1+maxpool2d_1", "conv2d_2+relu_2+maxpool2d_2", "conv2d_3+batchnorm2d_1+relu_3",
                "conv2d_4+relu_4+maxpool2d_3", "flatten_1", "dense_1"), model.forwardPasses());
        Random r = new Random(9);
        randomStatistics((BatchNorm2d) model.layer(7), r);
        for (Kernels k : kernelsToTry()) {
            KernelProvider.use(k);
            try {
                for (int batch : new int[] {1, 2, 5}) {
                    Tensor x = new Tensor(batch, 3, 13, 11);
                    for (int i = 0; i < x.size(); i++) x.data[i] = r.nextFloat() * 2 - 1;
                    float[] fused = model.forward(x, false).data.clone();
                    Tensor[] each = model.runNodes(x, (node, in) -> node.layer().forward(in, false).copy());
                    assertClose(k.name() + " batch " + batch, each[each.length - 1].data, fused, 1e-5);
                }
            } finally {
                KernelProvider.use(new ScalarKernels());
            }
        }
    }

    static List<Kernels> kernelsToTry() {
        List<Kernels> out = new ArrayList<>(List.of(new ScalarKernels()));
        if (KernelProvider.simdUnavailableReason() == null) out.add(KernelProvider.simd(2));
        return out;
    }

    static void randomStatistics(BatchNorm2d bn, Random r) {
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

    static void assertClose(String what, float[] expected, float[] actual, double relative) {
        for (int i = 0; i < expected.length; i++) {
            double tol = relative * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + ": output " + i + " unfused " + expected[i] + " but inference path " + actual[i]);
        }
    }
}
