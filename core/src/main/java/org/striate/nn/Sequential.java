package org.striate.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.striate.StriateException;
import org.striate.tensor.Shapes;

/**
 * A stack of layers, each reading the one before: the simple way to build a model, and a
 * {@link Graph} whose nodes form a chain underneath. Shapes are inferred when the model is built: an
 * impossible shape fails then, naming the layer.
 *
 * <pre>{@code
 * Sequential model = Sequential.builder(1, 28, 28)
 *         .add(new Conv2d(32, 3).padding(Conv2d.SAME)).add(new ReLU()).add(new MaxPool2d(2))
 *         .add(new Flatten()).add(new Dense(10))
 *         .build(42);
 * }</pre>
 */
public final class Sequential extends Graph {

    private Sequential(List<Node> nodes) { super(nodes, null, null); }

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
            GraphBuilder g = new GraphBuilder();
            Node x = g.input(inputShape);
            for (Layer layer : layers) x = g.add(layer, x);
            Sequential model = new Sequential(g.checkedNodes());
            model.initParams(seed);
            return model;
        }

        public Sequential build() { return build(42); }
    }
}
