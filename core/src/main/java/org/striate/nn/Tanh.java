package org.striate.nn;

import org.striate.kernels.Kernels;
import org.striate.tensor.Tensor;

/** y = tanh(x), squashing each value into (−1, 1), centred on zero. */
public class Tanh extends Layer {
    private Tensor y, dx;

    @Override
    protected int[] computeOutputShape(int[] in) { return in.clone(); }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().tanhForward(x.size(), x.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().tanhBackward(dy.size(), y.data, dy.data, dx.data);
        return dx;
    }

    @Override
    public Window window() { return Window.ELEMENTWISE; }

    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node("Tanh", name(), in); }

    @Override
    public String spec() { return "tanh"; }
}
