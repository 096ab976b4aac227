package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.ScalarKernels;
import org.striate.tensor.Tensor;

/**
 * Graph runs Conv2d → ReLU, ReLU → pooling and Conv2d → ReLU → max pool (in training too) as single
 * passes; the results must not change. In training, a max pool of another window than 2×2 runs its own
 * pass after the pair's.
 */
class FusedPassesTest {
    private static final String SPEC = """
            input 2x12x10
            conv 6 3x3 pad=1
            relu
            maxpool 2
            conv 5 3x3 stride=2 pad=1
            relu
            avgpool 2 stride=1
            relu
            minpool 2
            flatten
            dense 4
            """;
    /** A 3×3 layer of 16 channels or more, whose training pass pools on Winograd's tiles, after a first layer. */
    private static final String TILED = """
            input 2x12x10
            conv 16 3x3 pad=1
            relu
            conv 16 3x3 pad=1
            relu
            maxpool 2
            flatten
            dense 4
            """;

    /** Max pools of other windows after Conv2d → ReLU: one forward pass, their own training pass after the pair's. */
    private static final String WINDOWED = """
            input 2x12x10
            conv 6 3x3 pad=1
            relu
            maxpool 3 stride=2 pad=1
            conv 64 3x3 pad=1
            relu
            maxpool 3 stride=1 pad=1
            flatten
            dense 4
            """;

    @AfterEach
    void restore() { KernelProvider.use(new ScalarKernels()); }

    @Test
    void fusedPassesEqualLayerByLayerWithScalarKernels() {
        compare(SPEC, 0);
        compare(WINDOWED, 0);
    }

    @Test
    void fusedPassesEqualLayerByLayerWithSimdKernels() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        Kernels simd = KernelProvider.simd(2);
        KernelProvider.use(simd);
        compare(SPEC, 1e-5);
        compare(TILED, 1e-5);
        compare(WINDOWED, 1e-5);
    }

    private static void compare(String spec, double tolerance) {
        Random rng = new Random(5);
        for (int batch : new int[] {1, 3, 7}) {
            Tensor x = new Tensor(batch, 2, 12, 10), dy = new Tensor(batch, 4);
            for (int i = 0; i < x.size(); i++) x.data[i] = (float) rng.nextGaussian();
            for (int i = 0; i < dy.size(); i++) dy.data[i] = (float) rng.nextGaussian();
            Graph fused = LayerSpecs.parse(spec, "test", null).build(3);
            Graph plain = LayerSpecs.parse(spec, "test", null).build(3);

            fused.zeroGrad();
            float[] out = fused.forward(x, true).data.clone();
            float[] dx = fused.backward(dy).data.clone();

            plain.zeroGrad();
            List<Layer> layers = plain.layers();
            Tensor t = x;
            for (Layer l : layers) t = l.forward(t, true);
            float[] outPlain = t.data.clone();
            Tensor d = dy;
            for (int i = layers.size() - 1; i >= 0; i--) d = layers.get(i).backward(d);

            for (int i = 0; i < batch * 4; i++) assertEquals(outPlain[i], out[i], tolerance, "output " + i);
            for (int i = 0; i < x.size(); i++) assertEquals(d.data[i], dx[i], tolerance, "input gradient " + i);
            float[] g = plain.grads(), h = fused.grads();
            for (int i = 0; i < g.length; i++) assertEquals(g[i], h[i], tolerance * (1 + Math.abs(g[i])), "gradient " + i);

            // a training step's backward needs no input gradient: the first Conv2d → ReLU → max pool
            // then takes its weight gradient straight from the pooled gradient
            fused.zeroGrad();
            fused.forward(x, true);
            fused.backwardParameters(dy);
            h = fused.grads();
            // the pooled pass sums the weight gradient in another order: within rounding, even on the scalar kernels
            double rounding = Math.max(tolerance, 1e-6);
            for (int i = 0; i < g.length; i++) assertEquals(g[i], h[i], rounding * (1 + Math.abs(g[i])), "training step's gradient " + i);
        }
    }
}
