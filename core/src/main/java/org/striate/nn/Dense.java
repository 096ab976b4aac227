package org.striate.nn;

import java.util.Arrays;
import java.util.Random;
import org.striate.StriateException;
import org.striate.kernels.Kernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Fully connected: y = x·Wᵀ + b, with W (units, in) then b (units) in the parameter buffer.
 * Expects a flat input (F,) per sample; put a Flatten before it.
 */
public class Dense extends Layer {
    private final int units;
    private boolean bias = true;
    private int in;
    private Tensor x, y, dx;

    public Dense(int units) {
        if (units <= 0) throw new StriateException("Invalid value for argument `units`. Expected a strictly positive value. Received units=" + units + ".");
        this.units = units;
    }

    public Dense bias(boolean on) { bias = on; return this; }
    public int units() { return units; }

    /** A new, unbuilt dense layer like this one with another number of units: a new head for other classes. */
    public Dense withUnits(int units) { return new Dense(units).bias(bias); }

    @Override
    protected int[] computeOutputShape(int[] input) {
        if (input.length != 1) {
            throw new ShapeException("Layer '" + name() + "' (Dense) expects a flat input (F,) per sample but received "
                    + Shapes.str(input) + ". Add a Flatten before it.");
        }
        in = input[0];
        if ((long) units * in + units > Integer.MAX_VALUE - 8) {
            throw new ShapeException("Layer '" + name() + "' (Dense) would need " + ((long) units * in + units) + " parameters for "
                    + in + " inputs and " + units + " units, more than one buffer holds. Downsample first (pooling or strided convolution).");
        }
        return new int[] {units};
    }

    @Override
    public int paramCount() { return units * in + (bias ? units : 0); }

    @Override
    public void initParams(Random rng) {
        glorotUniform(rng, 0, units * in, in, units);
        if (bias) Arrays.fill(params, offset + units * in, offset + paramCount(), 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().denseForward(x.batch(), in, units, x.data, params, offset, bias ? params : null, offset + units * in, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        boolean needed = inputGradientNeeded();
        if (needed) dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().denseBackward(dy.batch(), in, units, x.data, params, offset, dy.data,
                needed ? dx.data : null, grads, offset, bias ? grads : null, offset + units * in);
        return needed ? dx : null;
    }

    @Override
    public long macs() { return (long) in * units; }

    @Override
    public Window window() { return Window.GLOBAL; }

    /** ONNX Gemm with transB = 1: W is (units, in), as here. */
    @Override
    public String toOnnx(OnnxOps out, String[] inputs) {
        String w = out.floats(name() + ".weight", params, offset, units, in);
        String[] args = bias ? new String[] {inputs[0], w, out.floats(name() + ".bias", params, offset + units * in, units)} : new String[] {inputs[0], w};
        return out.node("Gemm", name(), args, "transB", 1);
    }

    @Override
    public String spec() { return "dense " + units + (bias ? "" : " bias=false"); }
}
