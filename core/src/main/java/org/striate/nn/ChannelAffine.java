package org.striate.nn;

import java.util.Arrays;
import java.util.Random;
import org.striate.kernels.ChannelKernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * A per-channel affine map: y = x·scale[c] + shift[c]. Input (C, H, W) per sample, or any
 * channel-first shape (C, ...), e.g. (F,) after a Flatten. Parameters scale (C) then shift (C), both
 * trained; no statistics. It is what a BatchNorm becomes at inference, and what the ONNX import makes
 * of a Mul, Add, Sub or Div of activations by per-channel constants (Keras's exporter writes its
 * BatchNormalization that way).
 */
public class ChannelAffine extends Layer {
    private int channels, plane;
    private Tensor x, y, dx;

    @Override
    protected int[] computeOutputShape(int[] in) {
        if (in.length == 0) {
            throw new ShapeException("Layer '" + name() + "' (ChannelAffine) expects channel-first input such as (C, H, W) per sample but received ().");
        }
        channels = in[0];
        plane = Shapes.size(in) / channels;
        return in.clone();
    }

    @Override
    public int paramCount() { return 2 * channels; }

    /** scale = 1, shift = 0: the layer starts as the identity. */
    @Override
    public void initParams(Random rng) {
        Arrays.fill(params, offset, offset + channels, 1f);
        Arrays.fill(params, offset + channels, offset + 2 * channels, 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        ChannelKernels.affineForward(x.batch(), channels, plane, x.data, params, offset, offset + channels, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        boolean needed = inputGradientNeeded();
        if (needed) dx = reuse(dx, dy.batch(), inputShape);
        ChannelKernels.affineBackward(dy.batch(), channels, plane, x.data, params, offset, dy.data, needed ? dx.data : null,
                grads, offset, offset + channels);
        return needed ? dx : null;
    }

    /** One multiply-add per value. */
    @Override
    public long macs() { return (long) channels * plane; }

    @Override
    public Window window() { return Window.ELEMENTWISE; }

    /** ONNX Mul by the scale, then Add of the shift, each shaped (C, 1, ...) to broadcast per channel. */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        String n = name();
        long[] dims = new long[inputShape.length];
        Arrays.fill(dims, 1);
        dims[0] = channels;
        String scaled = out.node("Mul", n + "_scale", new String[] {in[0], out.floats(n + ".weight", params, offset, dims)});
        return out.node("Add", n, new String[] {scaled, out.floats(n + ".bias", params, offset + channels, dims)});
    }

    @Override
    public String spec() { return "affine"; }
}
