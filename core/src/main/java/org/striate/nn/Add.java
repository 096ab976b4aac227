package org.striate.nn;

import org.striate.kernels.Kernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * The element-wise sum of two or more tensors of one shape: a residual block's shortcut joins its
 * output here. Backward hands dy unchanged to every input.
 */
public class Add extends Layer {
    private Tensor y;
    private Tensor[] dxs = new Tensor[0];

    @Override public int minInputs() { return 2; }
    @Override public int maxInputs() { return Integer.MAX_VALUE; }

    @Override
    protected int[] computeOutputShape(int[][] in) {
        for (int i = 1; i < in.length; i++) {
            if (!Shapes.equal(in[0], in[i])) {
                throw new ShapeException("Layer '" + name() + "' (Add) needs inputs of one shape but received " + Shapes.str(in[0])
                        + " and " + Shapes.str(in[i]) + " (input " + (i + 1) + "). Use a 1x1 convolution (with a stride) on the shortcut to match them.");
            }
        }
        return in[0].clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        throw new ShapeException("Layer '" + name() + "' (" + type() + ") takes two or more inputs; apply it to nodes of a Graph.");
    }

    @Override
    public Tensor forward(Tensor[] xs, boolean training) {
        for (Tensor x : xs) checkInput(x);
        int n = xs[0].batch();
        y = reuse(y, n, outputShape);
        Kernels.get().add(y.size(), xs[0].data, xs[1].data, y.data);
        for (int i = 2; i < xs.length; i++) Kernels.get().accumulate(y.size(), xs[i].data, y.data);
        return y;
    }

    /** Add → ReLU, a residual block's end, is one pass over memory instead of two (this package's own layers only). */
    @Override
    public boolean fusesForwardWith(Layer next) {
        return getClass() == Add.class && next.getClass() == ReLU.class;
    }

    /** The sum rectified as it is written; the ReLU keeps it as its output for its backward, as after its own forward. */
    @Override
    public Tensor forwardFused(Layer next, Tensor[] xs, boolean training) {
        for (Tensor x : xs) checkInput(x);
        y = reuse(y, xs[0].batch(), outputShape);
        Kernels k = Kernels.get();
        int last = xs.length - 1;
        if (last == 1) {
            k.addRelu(y.size(), xs[0].data, xs[1].data, y.data);
        } else {
            k.add(y.size(), xs[0].data, xs[1].data, y.data);
            for (int i = 2; i < last; i++) k.accumulate(y.size(), xs[i].data, y.data);
            k.addRelu(y.size(), y.data, xs[last].data, y.data);
        }
        return ((ReLU) next).passThrough(y);
    }

    /** This package's own Add only: a subclass may compute something else. */
    @Override
    public boolean isSum() { return getClass() == Add.class; }

    @Override
    public Tensor backward(Tensor dy) { return dy; }

    @Override
    public Tensor[] backwardInputs(Tensor dy) {
        if (dxs.length != inputShapes.length) dxs = new Tensor[inputShapes.length];
        java.util.Arrays.fill(dxs, dy);
        return dxs;
    }

    @Override public Window window() { return Window.ELEMENTWISE; }
    @Override public long backwardBytesPerSample() { return 0; }
    /** ONNX Add for two inputs, Sum for more. */
    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node(in.length == 2 ? "Add" : "Sum", name(), in); }

    @Override public String spec() { return "add"; }
}
