package org.striate.nn;

import org.striate.kernels.Kernels;
import org.striate.tensor.Tensor;

/** (N, C, H, W) → (N, C): the mean of each feature map, a head that needs no Flatten and no position. */
public class GlobalAvgPool2d extends Layer {
    private Tensor y, dx;

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 3, "(C, H, W)", "");
        return new int[] {in[0]};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().globalAvgPoolForward(x.batch(), inputShape[0], inputShape[1] * inputShape[2], x.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().globalAvgPoolBackward(dy.batch(), inputShape[0], inputShape[1] * inputShape[2], dy.data, dx.data);
        return dx;
    }

    @Override
    public Window window() { return Window.GLOBAL; }

    /** ONNX GlobalAveragePool keeps 1×1 maps; the Flatten after it gives this layer's (C,). */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        return out.node("Flatten", name() + "_flatten", new String[] {out.node("GlobalAveragePool", name(), in)}, "axis", 1);
    }

    @Override
    public String spec() { return "gap"; }
}
