package org.striate.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluation;
import org.striate.train.Evaluator;
import org.striate.train.History;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/**
 * A stack of layers. All parameters live in one flat {@code float[]} and all gradients in a twin
 * with the same layout, so an optimizer (or an all-reduce) sees one array. Shapes are inferred when
 * the model is built: an impossible shape fails then, naming the layer.
 *
 * <pre>{@code
 * Sequential model = Sequential.builder(1, 28, 28)
 *         .add(new Conv2d(32, 3).padding(Conv2d.SAME)).add(new ReLU()).add(new MaxPool2d(2))
 *         .add(new Flatten()).add(new Dense(10))
 *         .build(42);
 * }</pre>
 */
public final class Sequential {
    private final int[] inputShape;
    private final List<Layer> layers;
    private final float[] params;
    private final float[] grads;
    private float[] mean = {0f};
    private float[] std = {1f};
    private String[] classNames = new String[0];

    private Sequential(int[] inputShape, List<Layer> layers) { this(inputShape, layers, null, null); }

    /** Builds the layers; with shared buffers the model reads those weights and accumulates into those gradients. */
    private Sequential(int[] inputShape, List<Layer> layers, float[] sharedParams, float[] sharedGrads) {
        this.inputShape = inputShape.clone();
        this.layers = List.copyOf(layers);
        int[] shape = this.inputShape;
        Map<String, Integer> counts = new HashMap<>();
        for (Layer layer : this.layers) {
            if (!layer.hasName()) {
                int k = counts.merge(layer.type().toLowerCase(), 1, Integer::sum);
                layer.named(layer.type().toLowerCase() + "_" + k);
            }
            shape = layer.build(shape);
        }
        long total = 0;
        for (Layer layer : this.layers) total += layer.paramCount();
        if (total > Integer.MAX_VALUE - 8) throw new StriateException("The model has " + total + " parameters; at most 2^31 fit in one buffer.");
        if (sharedParams == null) org.striate.tensor.Memory.require(8 * total, "The model's " + total + " parameters and their gradients");
        this.params = sharedParams != null ? sharedParams : new float[(int) total];
        this.grads = sharedGrads != null ? sharedGrads : new float[(int) total];
        int offset = 0;
        for (Layer layer : this.layers) {
            layer.bind(params, grads, offset);
            offset += layer.paramCount();
        }
    }

    public static Builder builder(int... inputShape) { return new Builder(inputShape); }

    /** Builds the fluent way; {@link #build(long)} initialises weights from the seed. */
    public static final class Builder {
        private final int[] inputShape;
        private final List<Layer> layers = new ArrayList<>();

        private Builder(int[] inputShape) {
            if (inputShape.length == 0) throw new StriateException("Invalid input shape (). Expected at least one dimension, e.g. (1, 28, 28).");
            for (int d : inputShape) {
                if (d <= 0) throw new StriateException("Invalid input shape " + Shapes.str(inputShape) + ". Expected dimensions > 0.");
            }
            this.inputShape = inputShape.clone();
        }

        public Builder add(Layer layer) { layers.add(layer); return this; }

        /** The layers added so far, not yet built: lets a reader infer shapes and sizes before allocating. */
        public List<Layer> layers() { return Collections.unmodifiableList(layers); }

        public int[] inputShape() { return inputShape.clone(); }

        /** Builds and initialises the weights from {@code seed}: the same seed gives bit-identical weights. */
        public Sequential build(long seed) {
            Sequential model = new Sequential(inputShape, layers);
            model.initParams(seed);
            return model;
        }

        public Sequential build() { return build(42); }
    }

    /**
     * A second copy of the layers bound to this model's parameter buffer (not a copy of it) and to
     * the given gradient buffer: it sees every weight update at once, keeps activations of its own,
     * and accumulates into {@code gradients}. {@link DataParallel} runs several per thread.
     */
    Sequential replica(float[] gradients) {
        List<Layer> copies = LayerSpecs.parse(spec(), "replica of the model", inputShape).layers();
        Sequential r = new Sequential(inputShape, copies, params, gradients);
        for (int i = 0; i < layers.size(); i++) copies.get(i).loadState(layers.get(i).state());
        return r;
    }

    /** Re-initialises every parameter from {@code seed}, layer by layer in order. */
    public void initParams(long seed) {
        Random rng = new Random(seed);
        for (Layer layer : layers) layer.initParams(rng);
    }

    /**
     * Runs the batch through every layer; {@code training} switches Dropout and BatchNorm. A Conv2d
     * followed by ReLU runs as one pass (the same values, without the ReLU's trip through memory).
     */
    public Tensor forward(Tensor x, boolean training) {
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (builtIn(layer, Conv2d.class) && builtIn(next(i), ReLU.class)) {
                Conv2d conv = (Conv2d) layer;
                ReLU relu = (ReLU) next(i);
                x = relu.passThrough(conv.forwardRelu(x));
                i++;
            } else {
                x = layer.forward(x, training);
            }
        }
        return x;
    }

    private Layer next(int i) { return i + 1 < layers.size() ? layers.get(i + 1) : null; }

    /**
     * A layer of this package of the given kind: a user's subclass may override forward or backward,
     * so it is never fused, and its spec line may not parse back, so it is never replicated.
     */
    static boolean builtIn(Layer layer, Class<? extends Layer> kind) {
        return kind.isInstance(layer) && layer.getClass().getPackage() == Sequential.class.getPackage();
    }

    /**
     * Back-propagates dy through every layer, accumulating into {@link #grads()}; returns dx. A ReLU
     * followed by pooling runs as one pass, as in forward.
     */
    public Tensor backward(Tensor dy) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer layer = layers.get(i);
            if (builtIn(layer, Pool2d.class) && i > 0 && builtIn(layers.get(i - 1), ReLU.class)) {
                Pool2d pool = (Pool2d) layer;
                ReLU relu = (ReLU) layers.get(i - 1);
                dy = pool.backwardThroughRelu(dy, relu.lastInput());
                i--;
            } else {
                dy = layer.backward(dy);
            }
        }
        return dy;
    }

    /**
     * Back-propagates for a training step: accumulates parameter gradients like {@link #backward} but
     * lets the first layer skip the input gradient, which nothing reads.
     */
    public void backwardParameters(Tensor dy) {
        if (layers.isEmpty()) return;
        Layer first = layers.get(0);
        first.inputGradientNeeded(false);
        try {
            backward(dy);
        } finally {
            first.inputGradientNeeded(true);
        }
    }

    public void zeroGrad() { Arrays.fill(grads, 0f); }

    public List<Layer> layers() { return Collections.unmodifiableList(layers); }
    public Layer layer(int i) { return layers.get(i); }
    public float[] params() { return params; }
    public float[] grads() { return grads; }
    public int paramCount() { return params.length; }
    public int[] inputShape() { return inputShape.clone(); }
    public int[] outputShape() { return layers.isEmpty() ? inputShape.clone() : layers.get(layers.size() - 1).outputShape(); }

    /** Input normalisation x' = (x − mean[c]) / std[c], per channel (one value applies to all channels). */
    public Sequential normalization(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new StriateException("Invalid normalisation. Expected mean and std of the same non-zero length. Received "
                    + mean.length + " and " + std.length + ".");
        }
        for (float s : std) if (!(s > 0)) throw new StriateException("Invalid normalisation std " + s + ". Expected values > 0.");
        this.mean = mean.clone();
        this.std = std.clone();
        return this;
    }

    public float[] mean() { return mean.clone(); }
    public float[] std() { return std.clone(); }

    public Sequential classNames(String... names) { this.classNames = names.clone(); return this; }
    public String[] classNames() { return classNames.clone(); }

    /** Trains on {@code train} (images in [0, 1]); see {@link Trainer}. */
    public History fit(Dataset train, TrainOptions options) { return new Trainer(this, options).fit(train); }

    /** Accuracy, mean softmax cross-entropy and confusion matrix on {@code data}; see {@link Evaluator}. */
    public Evaluation evaluate(Dataset data) { return Evaluator.evaluate(this, data); }

    /** Class probabilities (N, K) for images in [0, 1], computed in eval mode; see {@link Evaluator}. */
    public Tensor predict(Tensor images01) { return Evaluator.predict(this, images01); }

    /** The architecture in the spec format, one layer per line, after an "input CxHxW" line. */
    public String spec() {
        StringBuilder b = new StringBuilder("input ").append(Shapes.compact(inputShape)).append('\n');
        for (Layer layer : layers) b.append(layer.spec()).append('\n');
        return b.toString();
    }
}
