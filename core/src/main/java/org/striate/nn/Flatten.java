package org.striate.nn;

import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/** (N, C, H, W) → (N, C·H·W), sharing the data: the spatial layout is kept in the order of the features. */
public class Flatten extends Layer {
    @Override
    protected int[] computeOutputShape(int[] in) { return new int[] {Shapes.size(in)}; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        return x.reshape(x.batch(), outputShape[0]);
    }

    @Override
    public Tensor backward(Tensor dy) { return dy.reshape(Shapes.withBatch(dy.batch(), inputShape)); }

    @Override
    public Window window() { return Window.GLOBAL; }

    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node("Flatten", name(), in, "axis", 1); }

    @Override
    public String spec() { return "flatten"; }
}
