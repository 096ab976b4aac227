package org.striate.nn;

import java.util.Random;
import org.striate.StriateException;
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
    protected int[][] inputShapes;
    protected int[] outputShape;
    protected float[] params;
    protected float[] grads;
    protected int offset;
    private boolean inputGradientNeeded = true;
    private boolean trainable = true;

    /** e.g. "Conv2d"; also the default name stem. */
    public String type() { return getClass().getSimpleName(); }

    public String name() { return name == null ? type().toLowerCase() : name; }

    /** Set by the model when it is built ("conv2d_1"); can be set by the user beforehand. */
    public Layer named(String name) { this.name = name; return this; }

    boolean hasName() { return name != null; }

    /**
     * Freezes ({@code false}) or unfreezes the layer, as Keras's {@code layer.trainable}: training leaves
     * a frozen layer's parameters bit-identical (the optimizer skips them, weight decay and momentum
     * included), and a frozen BatchNorm keeps its running statistics (it runs as at inference). Gradients
     * still flow through a frozen layer to the layers before it. The flag is a training choice and is not
     * saved with the model; it is read when a fit starts.
     */
    public Layer trainable(boolean on) { trainable = on; return this; }

    /** False once {@link #trainable(boolean) frozen}. */
    public boolean trainable() { return trainable; }

    /** Checks the per-sample input shape and returns the per-sample output shape. */
    public final int[] build(int[] inputShape) { return build(new int[][] {inputShape}); }

    /**
     * Checks the per-sample shapes of all inputs (one for most layers; see {@link #minInputs()}) and
     * returns the per-sample output shape.
     */
    public final int[] build(int[][] inputShapes) {
        if (inputShapes.length < minInputs() || inputShapes.length > maxInputs()) {
            throw new ShapeException("Layer '" + name() + "' (" + type() + ") takes " + arity() + " but was given " + inputShapes.length + ".");
        }
        this.inputShapes = new int[inputShapes.length][];
        for (int i = 0; i < inputShapes.length; i++) this.inputShapes[i] = inputShapes[i].clone();
        this.inputShape = this.inputShapes[0];
        this.outputShape = computeOutputShape(this.inputShapes);
        for (int d : outputShape) {
            if (d <= 0) {
                throw new ShapeException("Layer '" + name() + "' (" + type() + ") cannot take input of shape " + Shapes.str(inputShape)
                        + ": its output shape would be " + Shapes.str(outputShape) + ". Use a smaller kernel or stride, more padding, or a larger input.");
            }
        }
        Shapes.size(outputShape);   // throws when one sample's output would not fit in an array
        return outputShape.clone();
    }

    private String arity() {
        if (minInputs() == maxInputs()) return minInputs() == 1 ? "one input" : minInputs() + " inputs";
        return maxInputs() == Integer.MAX_VALUE ? minInputs() + " or more inputs" : minInputs() + " to " + maxInputs() + " inputs";
    }

    /** The fewest inputs this layer takes: 1, or 2 for layers that merge (Add, Concat). */
    public int minInputs() { return 1; }

    /** The most inputs this layer takes. */
    public int maxInputs() { return 1; }

    /** The shape arithmetic for several inputs; layers with one input implement the one-shape form below. */
    protected int[] computeOutputShape(int[][] inputShapes) { return computeOutputShape(inputShapes[0]); }

    /** The shape arithmetic alone; throws {@link ShapeException} naming this layer when impossible. */
    protected int[] computeOutputShape(int[] inputShape) {
        throw new ShapeException("Layer '" + name() + "' (" + type() + ") takes " + arity() + ".");
    }

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

    /** Forward over all inputs; layers that take several override this (and {@link #backwardInputs}). */
    public Tensor forward(Tensor[] inputs, boolean training) { return forward(inputs[0], training); }

    /**
     * The gradient with respect to every input, in order; the entries may be buffers the layer reuses,
     * and may be one and the same tensor (Add passes dy to every input).
     */
    public Tensor[] backwardInputs(Tensor dy) {
        single[0] = backward(dy);
        return single;
    }

    private final Tensor[] single = new Tensor[1];

    /**
     * Whether {@code backward} must return dx. The first layer of a training step has no one to pass
     * it to, and for a convolution it is a third of the backward work; layers may then return null.
     */
    public void inputGradientNeeded(boolean needed) { inputGradientNeeded = needed; }

    protected final boolean inputGradientNeeded() { return inputGradientNeeded; }

    /**
     * Whether each sample's forward and backward depend on that sample alone, so a batch may be cut
     * into pieces that run apart ({@code org.striate.train.DataParallel}). Not so for batch statistics or per-call random draws.
     */
    public boolean samplesIndependent() { return true; }

    /**
     * {@link #samplesIndependent} for a model that only runs inference, its state fixed (a copy made by
     * {@link Graph#forInference}): a layer whose samples meet only in training (batch statistics,
     * dropout's masks) answers true here, so such a copy's batch may run split.
     */
    public boolean samplesIndependentAtInference() { return samplesIndependent(); }

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
    /** The shapes of all inputs once built (one for most layers). */
    public int[][] inputShapes() {
        if (inputShapes == null) return null;
        int[][] c = new int[inputShapes.length][];
        for (int i = 0; i < c.length; i++) c[i] = inputShapes[i].clone();
        return c;
    }
    public int[] outputShape() { return outputShape == null ? null : outputShape.clone(); }
    public int paramOffset() { return offset; }

    // ---- what a layer says about itself (summary, receptive field, probes, bench, thread split) ----

    /**
     * How this layer maps positions along H and W (see {@link Window}). The default is
     * {@link Window#UNKNOWN}: a layer that does not say is never guessed at.
     */
    public Window window() { return Window.UNKNOWN; }

    /**
     * Bytes per sample this layer keeps alive for its backward pass: its input when it has parameters
     * or maps values one by one (ReLU needs x to know where it was positive), nothing for layers that
     * only move values. Layers that keep something else (max pooling's winner indices) say so.
     */
    public long backwardBytesPerSample() {
        boolean keepsInput = paramCount() > 0 || Shapes.equal(inputShape, outputShape);
        return keepsInput ? 4L * Shapes.size(inputShape) : 0;
    }

    /**
     * A new, unbuilt layer with the same configuration, for another thread's replica of the model
     * (it is then bound to the same parameters). The default reads {@link #spec()} back through the
     * {@link LayerRegistry}; null when that is not possible (a keyword nobody registered), in which
     * case models with this layer run on one replica.
     */
    public Layer copy() {
        Layer c = LayerRegistry.tryParse(spec());
        return c != null && c.getClass() == getClass() ? c : null;
    }

    /**
     * Whether this layer's forward can run as one pass with {@code next}'s, when {@code next} reads
     * this layer's output alone (Conv2d → ReLU). The model then calls {@link #forwardFused}.
     */
    public boolean fusesForwardWith(Layer next) { return false; }

    /** This layer's forward followed by {@code next}'s, in one pass; returns {@code next}'s output. */
    public Tensor forwardFused(Layer next, Tensor x, boolean training) {
        throw new UnsupportedOperationException(type() + " does not fuse with " + next.type());
    }

    /** {@link #forwardFused(Layer, Tensor, boolean)} for a layer of several inputs (Add → ReLU). */
    public Tensor forwardFused(Layer next, Tensor[] xs, boolean training) {
        throw new UnsupportedOperationException(type() + " does not fuse with " + next.type());
    }

    /**
     * Whether this layer's forward can run as one pass with {@code next}'s and then {@code after}'s,
     * when each reads the one before alone (Conv2d → ReLU → 2×2 max pool; Conv2d → BatchNorm2d → ReLU).
     * Asked only where {@link #fusesForwardWith(Layer)} holds for {@code next}. The model then calls
     * {@link #forwardFused(Layer, Layer, Tensor, boolean)}.
     */
    public boolean fusesForwardWith(Layer next, Layer after) { return false; }

    /** This layer's forward followed by {@code next}'s and {@code after}'s, in one pass; returns {@code after}'s output. */
    public Tensor forwardFused(Layer next, Layer after, Tensor x, boolean training) {
        throw new UnsupportedOperationException(type() + " does not fuse with " + next.type() + " and " + after.type());
    }

    /**
     * Whether, in a model made for inference, this layer's pass with {@code next} and {@code after}
     * (as {@link #fusesForwardWith(Layer, Layer)} joins them) can take {@code last}, the only reader of
     * {@code after}'s output, in too (Conv2d → BatchNorm2d → ReLU → max pool: the pooled output is all
     * that reaches memory). The model then calls {@link #forwardFused(Layer, Layer, Layer, Tensor)}.
     */
    public boolean fusesForwardWith(Layer next, Layer after, Layer last) { return false; }

    /** Inference's pass of this layer, {@code next}, {@code after} and {@code last}; returns {@code last}'s output. */
    public Tensor forwardFused(Layer next, Layer after, Layer last, Tensor x) {
        throw new UnsupportedOperationException(type() + " does not fuse with " + next.type() + ", " + after.type() + " and " + last.type());
    }

    /**
     * Whether this layer, {@code next} and {@code after}, when they run forward as one pass, also train
     * as one: the training pass of {@link #forwardFused(Layer, Layer, Tensor, boolean)} then keeps only
     * what {@link #backwardFused(Layer, Layer, Tensor)} reads (Conv2d → ReLU → 2×2 max pool keeps the
     * pooled values and each window's winner, not the full-size output), and the model runs the three
     * backwards as that one call. Asked only where {@link #fusesForwardWith(Layer, Layer)} holds.
     */
    public boolean fusesTrainingWith(Layer next, Layer after) { return false; }

    /** The backward of {@code after}, {@code next} and this layer, in one pass; returns the gradient of this layer's input. */
    public Tensor backwardFused(Layer next, Layer after, Tensor dy) {
        throw new UnsupportedOperationException(type() + " does not train fused with " + next.type() + " and " + after.type());
    }

    /** Whether this layer is the element-wise sum of its inputs (Add): a producer of one of them may write the sum ({@link #takesSum}). */
    public boolean isSum() { return false; }

    /**
     * Whether this layer's inference pass, alone ({@code next} null) or with {@code next} (its only
     * reader, as {@link #fusesForwardWith(Layer)} pairs them), can also add another tensor of its output's
     * shape as it writes, and then apply a ReLU: a residual block's last convolution writes the block's
     * sum (Conv2d → BatchNorm2d → Add → ReLU). Asked only of a model made for inference. The model then
     * calls {@link #forwardSum}.
     */
    public boolean takesSum(Layer next) { return false; }

    /**
     * This layer's inference pass (with {@code next}'s, when not null) plus {@code sum}, then {@code
     * relu}'s when not null; returns the output of the sum, or of the ReLU.
     */
    public Tensor forwardSum(Layer next, Tensor x, Tensor sum, ReLU relu) {
        throw new UnsupportedOperationException(type() + " does not write a sum");
    }

    /**
     * Whether this layer's backward can run as one pass with {@code previous}'s, when this layer reads
     * {@code previous}'s output alone (ReLU → pooling). The model then calls {@link #backwardFused}.
     */
    public boolean fusesBackwardWith(Layer previous) { return false; }

    /** The backward of this layer and then of {@code previous}; returns the gradient of {@code previous}'s input. */
    public Tensor backwardFused(Layer previous, Tensor dy) {
        throw new UnsupportedOperationException(type() + " does not fuse with " + previous.type());
    }

    /**
     * For sliding-window layers: forward at inference over an input that the caller has already padded
     * by {@link Window#padH()} and {@link Window#padW()} (with values of its choosing, e.g. wrapped
     * around), sliding the window with no padding of its own. The output has this layer's output shape.
     * The shift probes use it to run a layer on a torus.
     */
    public Tensor forwardPrepadded(Tensor padded) {
        throw new UnsupportedOperationException("Layer '" + name() + "' (" + type() + ") cannot run over a pre-padded input.");
    }

    /**
     * The layer's spatial filters, for pictures and the conv-as-dense lab; null for layers without
     * any. Weights are read live from the model's parameter buffer.
     */
    public Filters filters() { return null; }

    /**
     * Writes this layer as ONNX operators reading the tensors named {@code inputs} and returns the name
     * of the tensor it produces (export). A layer without an ONNX equivalent refuses, naming itself.
     */
    public String toOnnx(OnnxOps out, String[] inputs) {
        throw new StriateException("Layer '" + name() + "' (" + type() + ") has no ONNX equivalent, so the model cannot be written as ONNX."
                + " Expected only layers that ONNX has an operator for (convolutions, pooling, dense, activations, BatchNorm, Add, Concat, ...);"
                + " replace this one (e.g. a locally connected layer by a conv) to export.");
    }

    // ---- helpers shared by layers ----

    /** Checks the batch tensor matches the built shape; names the layer and both shapes when not. */
    protected final void checkInput(Tensor x) {
        boolean ok = x.rank() == inputShape.length + 1;  // read in place: a check on every forward allocates nothing
        for (int i = 0; ok && i < inputShape.length; i++) ok = x.dim(i + 1) == inputShape[i];
        if (!ok) {
            throw new ShapeException("Layer '" + name() + "' (" + type() + ") expected input of shape (N, "
                    + Shapes.str(inputShape).substring(1) + " but received " + Shapes.str(x.shape()) + ".");
        }
    }

    /** A buffer of shape (n, ...sample) that is reused while it is large enough. */
    protected static Tensor reuse(Tensor buffer, int n, int[] sample) { return Tensor.reuse(buffer, n, sample); }

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
