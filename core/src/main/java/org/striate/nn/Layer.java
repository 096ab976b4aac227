package org.striate.nn;

import java.util.Random;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * One layer of a network: forward and backward side by side, on whole batches.
 *
 * <p>Life cycle: the constructor checks its arguments (Keras style messages); {@link #build(int[])}
 * receives the per-sample input shape when the model is built, checks it and returns the per-sample
 * output shape; the model then gives the layer its slice of one flat parameter buffer and of the twin
 * gradient buffer ({@link #bind}), and {@link #initParams} fills the parameters from the model's seeded
 * generator.
 *
 * <p>{@code forward} keeps what {@code backward} needs. {@code backward} <em>accumulates</em> into the
 * gradient buffer ({@code +=}; the model zeroes it) and returns the gradient with respect to the input.
 * Returned tensors may be buffers the layer reuses on the next call: copy them to keep them.
 */
public abstract class Layer {
    private String name;
    protected int[] inputShape;
    protected int[] outputShape;
    protected float[] params;
    protected float[] grads;
    protected int offset;
    private boolean inputGradientNeeded = true;

    /** e.g. "Conv2d"; also the default name stem. */
    public String type() { return getClass().getSimpleName(); }

    public String name() { return name == null ? type().toLowerCase() : name; }

    /** Set by the model when it is built ("conv2d_1"); can be set by the user beforehand. */
    public Layer named(String name) { this.name = name; return this; }

    boolean hasName() { return name != null; }

    /** Checks the per-sample input shape and returns the per-sample output shape. */
    public final int[] build(int[] inputShape) {
        this.inputShape = inputShape.clone();
        this.outputShape = computeOutputShape(this.inputShape);
        for (int d : outputShape) {
            if (d <= 0) {
                throw new ShapeException("Layer '" + name() + "' (" + type() + ") cannot take input of shape " + Shapes.str(inputShape)
                        + ": its output shape would be " + Shapes.str(outputShape) + ". Use a smaller kernel or stride, more padding, or a larger input.");
            }
        }
        Shapes.size(outputShape);   // throws when one sample's output would not fit in an array
        return outputShape.clone();
    }

    /** The shape arithmetic alone; throws {@link ShapeException} naming this layer when impossible. */
    protected abstract int[] computeOutputShape(int[] inputShape);

    /** Number of trainable floats; known once built. */
    public int paramCount() { return 0; }

    /** Gives the layer its slices [offset, offset + paramCount()) of the model's buffers. */
    public void bind(float[] params, float[] grads, int offset) {
        this.params = params;
        this.grads = grads;
        this.offset = offset;
    }

    /** Fills this layer's parameters (He or Glorot for weights, zeros for biases). */
    public void initParams(Random rng) {}

    /** x is (N, ...inputShape); returns (N, ...outputShape). */
    public abstract Tensor forward(Tensor x, boolean training);

    /** dy is (N, ...outputShape); accumulates parameter gradients and returns dx (N, ...inputShape). */
    public abstract Tensor backward(Tensor dy);

    /**
     * Whether {@code backward} must return dx. The first layer of a training step has no one to pass
     * it to, and for a convolution it is a third of the backward work; layers may then return null.
     */
    public void inputGradientNeeded(boolean needed) { inputGradientNeeded = needed; }

    protected final boolean inputGradientNeeded() { return inputGradientNeeded; }

    /**
     * Whether each sample's forward and backward depend on that sample alone, so a batch may be cut
     * into pieces that run apart ({@link DataParallel}). Not so for batch statistics or per-call random draws.
     */
    public boolean samplesIndependent() { return true; }

    /** Multiply-adds per sample in forward (0 for layers that only move or compare values). */
    public long macs() { return 0; }

    /** One line of the architecture spec format ("conv 32 3x3 pad=same"); parsed back by LayerSpecs. */
    public abstract String spec();

    /** Non-trainable state saved with the model (BatchNorm running statistics); empty by default. */
    public float[] state() { return new float[0]; }

    public void loadState(float[] state) {}

    /** The state of the layer's own random generator (Dropout's masks), for checkpoints; empty for layers that draw nothing. */
    public long[] randomState() { return new long[0]; }

    /** Sets what {@link #randomState()} returned, so a resumed run draws what the uninterrupted one would. */
    public void restoreRandomState(long[] state) {}

    public int[] inputShape() { return inputShape == null ? null : inputShape.clone(); }
    public int[] outputShape() { return outputShape == null ? null : outputShape.clone(); }
    public int paramOffset() { return offset; }

    // ---- helpers shared by layers ----

    /** Checks the batch tensor matches the built shape; names the layer and both shapes when not. */
    protected final void checkInput(Tensor x) {
        int[] s = x.shape();
        boolean ok = s.length == inputShape.length + 1;
        for (int i = 0; ok && i < inputShape.length; i++) ok = s[i + 1] == inputShape[i];
        if (!ok) {
            throw new ShapeException("Layer '" + name() + "' (" + type() + ") expected input of shape (N, "
                    + Shapes.str(inputShape).substring(1) + " but received " + Shapes.str(s) + ".");
        }
    }

    /** A buffer of shape (n, ...sample) that is reused while it is large enough. */
    protected static Tensor reuse(Tensor buffer, int n, int[] sample) {
        int[] shape = Shapes.withBatch(n, sample);
        int size = Shapes.size(shape);
        if (buffer != null && buffer.data.length >= size) return Tensor.of(buffer.data, shape);
        return new Tensor(shape);
    }

    /** He (Kaiming) normal: std = sqrt(2 / fanIn), for layers followed by ReLU. */
    protected final void heNormal(Random rng, int from, int count, int fanIn) {
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < count; i++) params[offset + from + i] = (float) (rng.nextGaussian() * std);
    }

    /** Glorot (Xavier) uniform: U(−a, a) with a = sqrt(6 / (fanIn + fanOut)). */
    protected final void glorotUniform(Random rng, int from, int count, int fanIn, int fanOut) {
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < count; i++) params[offset + from + i] = (float) ((rng.nextDouble() * 2 - 1) * a);
    }
}
