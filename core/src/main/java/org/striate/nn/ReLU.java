package org.striate.nn;

import org.striate.kernels.Kernels;
import org.striate.tensor.Tensor;

/** y = max(x, 0): a unit fires only when w·x + w0 > 0, the thresholded feature detector of the seed notes. */
public class ReLU extends Layer {
    private Tensor x, y, dx;

    @Override
    protected int[] computeOutputShape(int[] in) { return in.clone(); }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().reluForward(x.size(), x.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().reluBackward(dy.size(), x.data, dy.data, dx.data);
        return dx;
    }

    @Override
    public String spec() { return "relu"; }
}
