package org.striate.nn;

import org.striate.kernels.Kernels;
import org.striate.tensor.Tensor;

/** y = x for x > 0, alpha·x otherwise: a ReLU whose negative side keeps a small slope, so no unit stops learning. */
public class LeakyReLU extends Layer {
    public static final float DEFAULT_ALPHA = 0.01f;
    private final float alpha;
    private Tensor x, y, dx;

    public LeakyReLU() { this(DEFAULT_ALPHA); }

    public LeakyReLU(float alpha) {
        if (!(alpha >= 0 && alpha < 1)) throw Arguments.invalid("alpha", "a value in [0, 1)", "alpha=" + alpha);
        this.alpha = alpha;
    }

    public float alpha() { return alpha; }

    @Override
    protected int[] computeOutputShape(int[] in) { return in.clone(); }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().leakyReluForward(x.size(), alpha, x.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().leakyReluBackward(dy.size(), alpha, x.data, dy.data, dx.data);
        return dx;
    }

    @Override
    public Window window() { return Window.ELEMENTWISE; }

    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node("LeakyRelu", name(), in, "alpha", alpha); }

    @Override
    public String spec() { return alpha == DEFAULT_ALPHA ? "leakyrelu" : "leakyrelu alpha=" + alpha; }
}
