package org.striate.nn;

import org.striate.kernels.MergeKernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Joins two or more tensors along the channel axis (the first per-sample axis): a U-Net's decoder
 * takes the encoder's maps of the same resolution this way. The other axes must agree. Backward
 * hands each input its own channels of dy.
 */
public class Concat extends Layer {
    private Tensor y;
    private Tensor[] dxs = new Tensor[0];

    @Override public int minInputs() { return 2; }
    @Override public int maxInputs() { return Integer.MAX_VALUE; }

    @Override
    protected int[] computeOutputShape(int[][] in) {
        int[] out = in[0].clone();
        for (int i = 1; i < in.length; i++) {
            boolean ok = in[i].length == out.length;
            for (int d = 1; ok && d < out.length; d++) ok = in[i][d] == out[d];
            if (!ok) {
                throw new ShapeException("Layer '" + name() + "' (Concat) joins along channels and needs the other sizes to agree, but received "
                        + Shapes.str(in[0]) + " and " + Shapes.str(in[i]) + " (input " + (i + 1) + "). Up- or down-sample one of them to match.");
            }
            long c = (long) out[0] + in[i][0];
            if (c > Integer.MAX_VALUE) throw new ShapeException("Layer '" + name() + "' (Concat): " + c + " channels do not fit.");
            out[0] = (int) c;
        }
        return out;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        throw new ShapeException("Layer '" + name() + "' (" + type() + ") takes two or more inputs; apply it to nodes of a Graph.");
    }

    @Override
    public Tensor forward(Tensor[] xs, boolean training) {
        int n = xs[0].batch(), whole = Shapes.size(outputShape), at = 0;
        y = reuse(y, n, outputShape);
        for (int i = 0; i < xs.length; i++) {
            checkInput(xs[i], i);
            int part = Shapes.size(inputShapes[i]);
            MergeKernels.copyInto(n, xs[i].data, part, y.data, whole, at);
            at += part;
        }
        return y;
    }

    private void checkInput(Tensor x, int i) {
        int[] s = x.shape();
        if (s.length != inputShapes[i].length + 1 || Shapes.size(inputShapes[i]) * (long) s[0] != x.size()) {
            throw new ShapeException("Layer '" + name() + "' (Concat) expected input " + (i + 1) + " of shape (N, "
                    + Shapes.str(inputShapes[i]).substring(1) + " but received " + Shapes.str(s) + ".");
        }
    }

    @Override
    public Tensor backward(Tensor dy) { return backwardInputs(dy)[0]; }

    @Override
    public Tensor[] backwardInputs(Tensor dy) {
        if (dxs.length != inputShapes.length) dxs = new Tensor[inputShapes.length];
        int n = dy.batch(), whole = Shapes.size(outputShape), at = 0;
        for (int i = 0; i < dxs.length; i++) {
            int part = Shapes.size(inputShapes[i]);
            dxs[i] = reuse(dxs[i], n, inputShapes[i]);
            MergeKernels.copyOut(n, dy.data, whole, at, dxs[i].data, part);
            at += part;
        }
        return dxs;
    }

    @Override public Window window() { return Window.ELEMENTWISE; }
    @Override public long backwardBytesPerSample() { return 0; }
    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node("Concat", name(), in, "axis", 1); }

    @Override public String spec() { return "concat"; }
}
