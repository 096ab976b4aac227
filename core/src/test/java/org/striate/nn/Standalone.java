package org.striate.nn;

import java.util.Random;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/** Builds one layer outside a model, with its own parameter buffers, for tests that set weights by hand. */
final class Standalone {
    final Layer layer;
    final float[] params, grads;

    private Standalone(Layer layer, int[] inputShape, long seed) {
        this.layer = layer;
        layer.build(inputShape);
        params = new float[layer.paramCount()];
        grads = new float[layer.paramCount()];
        layer.bind(params, grads, 0);
        layer.initParams(new Random(seed));
    }

    static Standalone of(Layer layer, int... inputShape) { return new Standalone(layer, inputShape, 1); }

    Tensor forward(Tensor x, boolean training) { return layer.forward(x, training).copy(); }

    /** A batch of n samples of the layer's input shape, uniform in [−1, 1). */
    Tensor randomInput(int n, Random rng) {
        Tensor x = new Tensor(Shapes.withBatch(n, layer.inputShape()));
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
