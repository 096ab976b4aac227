package org.striate.nn;

import org.striate.kernels.ActivationKernels;
import org.striate.tensor.Tensor;

/**
 * (N, K) → (N, K): y_k = e^{x_k} / Σ_j e^{x_j} for each sample, a probability over K classes.
 * Scores shifted by a constant give the same probabilities, which is also why the row maximum can be
 * subtracted before exponentiating.
 */
public class Softmax extends Layer {
    private Tensor y, dx;

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 1, "(K,)", "Add a Flatten (and a Dense) before it.");
        return in.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        y = reuse(y, x.batch(), outputShape);
        ActivationKernels.softmaxForward(x.batch(), inputShape[0], x.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        ActivationKernels.softmaxBackward(dy.batch(), inputShape[0], y.data, dy.data, dx.data);
        return dx;
    }

    @Override
    public Window window() { return Window.ELEMENTWISE; }

    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node("Softmax", name(), in, "axis", 1); }

    @Override
    public String spec() { return "softmax"; }
}
