package org.striate.nn;

import org.striate.tensor.Tensor;

/** Passes its input through unchanged: a named tap point, or a placeholder in a graph. */
public class Identity extends Layer {
    @Override protected int[] computeOutputShape(int[] in) { return in.clone(); }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        return x;
    }

    @Override public Tensor backward(Tensor dy) { return dy; }
    @Override public Window window() { return Window.ELEMENTWISE; }
    @Override public long backwardBytesPerSample() { return 0; }
    @Override public String toOnnx(OnnxOps out, String[] in) { return out.node("Identity", name(), in); }

    @Override public String spec() { return "identity"; }
}
