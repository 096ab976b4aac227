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

    /**
     * Takes an input the layer before has already rectified (a fused Conv2d → ReLU) and returns it.
     * Backward still works: max(x, 0) is positive exactly where x is.
     */
    Tensor passThrough(Tensor rectified) {
        checkInput(rectified);
        this.x = rectified;
        return rectified;
    }

    /** The input of the last forward, which a pooling layer after this one masks its gradient with. */
    Tensor lastInput() { return x; }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().reluBackward(dy.size(), x.data, dy.data, dx.data);
        return dx;
    }

    @Override
    public Window window() { return Window.ELEMENTWISE; }

    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node("Relu", name(), in); }

    @Override
    public String spec() { return "relu"; }
}
