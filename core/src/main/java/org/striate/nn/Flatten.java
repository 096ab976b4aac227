package org.striate.nn;

import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/** (N, C, H, W) → (N, C·H·W), sharing the data: the spatial layout is kept in the order of the features. */
public class Flatten extends Layer {
    /** The last views made, given again while they view the same array at the same batch size. */
    private Tensor y, dx;

    @Override
    protected int[] computeOutputShape(int[] in) { return new int[] {Shapes.size(in)}; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        if (y == null || y.data != x.data || y.batch() != x.batch()) y = x.reshape(x.batch(), outputShape[0]);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (dx == null || dx.data != dy.data || dx.batch() != dy.batch()) dx = dy.reshape(Shapes.withBatch(dy.batch(), inputShape));
        return dx;
    }

    @Override
    public Window window() { return Window.GLOBAL; }

    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node("Flatten", name(), in, "axis", 1); }

    @Override
    public String spec() { return "flatten"; }
}
