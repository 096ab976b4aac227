package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.striate.StriateException;
import org.striate.nn.Graph;
import org.striate.nn.Node;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Is each layer of a model equivariant to translation? For shifts t = 1..K of the input, applied
 * downwards and rightwards, and for every layer f (the model up to and including that layer):
 * <pre>
 *   error(t) = ‖f(T_t x) − T_{t/J} f(x)‖ / ‖T_{t/J} f(x)‖
 * </pre>
 * where J is the layer's jump, in input pixels per feature-map cell: the product of the strides on
 * the way, divided by the factors of the up-sampling layers (nearest or bilinear up-sampling,
 * transposed convolutions), so 1/2 or 2/3 after up-sampling; it is kept exact. A shift is
 * <em>comparable</em> at a layer when every layer up to it, on every path, sees it as a whole number
 * of its cells: then T_{t/J} is a whole-cell shift of the feature map and an equivariant layer gives
 * error 0. That makes t a multiple of the layer's step ({@link LayerResult#stepH()}), which is the
 * jump for plain strided models, and stays the largest jump on the way after up-sampling: a U-Net's
 * output has J = 1 but its bottleneck only sees multiples of 4. Otherwise the feature map is
 * compared with t/J when that is whole, else the nearer of ⌊t/J⌋ and ⌈t/J⌉, and the smaller error is
 * reported: how far the layer is from any shifted copy of its old output. After a global layer
 * (flatten, dense, global pooling) the error is ‖f(T_t x) − f(x)‖ / ‖f(x)‖, the invariance error.
 *
 * <p>Two ways to deal with the borders:
 * <ul>
 *   <li>{@link Padding#ZERO_MARGIN}: the model as built (zero padding), the input shifted with zero
 *       fill, and only the feature-map cells whose receptive field lies inside the image and inside
 *       the part that was not filled are compared (a margin of the receptive-field radius);</li>
 *   <li>{@link Padding#CIRCULAR}: every windowed layer is evaluated with wrap-around padding and the
 *       input is rolled, so there is no border at all; exact for layers that map a period of size H
 *       to one of size H/stride, and for up-sampling whose output repeats each input cell f times
 *       ({@link LayerResult#periodic()}; see {@link ProbeStep#periodic()}).</li>
 * </ul>
 * Errors of the two directions are pooled: sqrt((Σ diff²) / (Σ reference²)) over both.
 */
public final class Equivariance {
    /** Relative error below which a layer counts as equivariant (float rounding is ~1e-7 per operation). */
    public static final double TOLERANCE = 1e-4;

    public enum Padding { ZERO_MARGIN, CIRCULAR }

    /**
     * One layer: errors[t − 1] and comparable[t − 1] for shift t; jump (input pixels per cell, a
     * fraction after up-sampling), step (comparable shifts are its multiples) and receptive field
     * along H and W; cells[t − 1] the number of feature-map values compared (0: none valid, error NaN).
     */
    public record LayerResult(int index, String name, String type, int[] outputShape, boolean spatial, double jumpH, double jumpW,
                              int stepH, int stepW, int fieldH, int fieldW, boolean periodic, double[] errors, boolean[] comparable,
                              long[] cells) {

        /** The jump along H as text: "2", "0.5". */
        public String jumpText() { return ReceptiveField.number(jumpH); }

        /** Largest error over the comparable shifts (NaN when none was measured). */
        public double maxComparableError() { return maxError(true); }

        /** Largest error over the shifts that are not comparable (NaN when there are none). */
        public double maxOtherError() { return maxError(false); }

        private double maxError(boolean ofComparable) {
            double max = Double.NaN;
            for (int t = 0; t < errors.length; t++) {
                if (comparable[t] == ofComparable && !Double.isNaN(errors[t])) max = Double.isNaN(max) ? errors[t] : Math.max(max, errors[t]);
            }
            return max;
        }
    }

    public record Result(Padding padding, int maxShift, int samples, List<LayerResult> layers) {
        /**
         * The first layer whose comparable shifts stay equivariant (error ≤ {@link #TOLERANCE}) while
         * some other shift does not: from there on, only multiples of its step (the cumulative stride)
         * are equivariant. −1 when no layer is like that.
         */
        public int aliasingLayer() {
            for (LayerResult r : layers) {
                if (!r.spatial()) continue;
                double ok = r.maxComparableError(), other = r.maxOtherError();
                if (!Double.isNaN(ok) && ok <= TOLERANCE && !Double.isNaN(other) && other > TOLERANCE) return r.index();
            }
            return -1;
        }
    }

    private Equivariance() {}

    /** {@code n} inputs of the model's input shape, uniform in [0, 1), from {@code seed}. */
    public static Tensor randomInputs(Graph model, int n, long seed) {
        Tensor x = new Tensor(Shapes.withBatch(n, model.inputShape()));
        Random rng = new Random(seed);
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextFloat();
        return x;
    }

    /** Probes every layer of {@code model} on {@code inputs} (N, C, H, W), already normalised, for shifts 1..maxShift. */
    public static Result probe(Graph model, Tensor inputs, int maxShift, Padding padding) {
        int[] in = model.inputShape();
        if (in.length != 3) throw new ShapeException("The equivariance probe needs a model on images (C, H, W); its input is " + Shapes.str(in) + ".");
        if (inputs.rank() != 4 || !Shapes.equal(inputs.sampleShape(), in)) {
            throw new ShapeException("Probe inputs must have shape (N, " + Shapes.str(in).substring(1) + "; received " + Shapes.str(inputs.shape()) + ".");
        }
        if (maxShift < 1 || maxShift >= Math.min(in[1], in[2])) {
            throw new StriateException("Invalid value for argument `max-shift`. Expected 1 to " + (Math.min(in[1], in[2]) - 1)
                    + " for inputs of " + in[1] + "x" + in[2] + ". Received max-shift=" + maxShift + ".");
        }
        boolean circular = padding == Padding.CIRCULAR;
        List<ProbeStep> steps = steps(model);
        List<Tensor> reference = run(model, steps, inputs, circular);
        int layers = steps.size();
        ShiftGeometry[] geo = ShiftGeometry.of(model, steps, in);
        double[][] diff = new double[layers][maxShift], ref = new double[layers][maxShift];
        long[][] cells = new long[layers][maxShift];
        for (int t = 1; t <= maxShift; t++) {
            for (int axis = 0; axis < 2; axis++) {
                int dy = axis == 0 ? t : 0, dx = axis == 1 ? t : 0;
                Tensor moved = circular ? Shifts.roll(inputs, dy, dx) : Shifts.shift(inputs, dy, dx);
                List<Tensor> out = run(model, steps, moved, circular);
                for (int l = 0; l < layers; l++) {
                    double[] m = geo[l] == null ? Comparison.global(out.get(l), reference.get(l))
                            : Comparison.best(out.get(l), reference.get(l), axis, t, geo[l], circular);
                    diff[l][t - 1] += m[0];
                    ref[l][t - 1] += m[1];
                    cells[l][t - 1] += (long) m[2];
                }
            }
        }
        List<LayerResult> results = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            ProbeStep s = steps.get(l);
            ShiftGeometry g = geo[l];
            double[] errors = new double[maxShift];
            boolean[] comparable = new boolean[maxShift];
            for (int t = 1; t <= maxShift; t++) {
                errors[t - 1] = cells[l][t - 1] == 0 ? Double.NaN : ref[l][t - 1] == 0 ? (diff[l][t - 1] == 0 ? 0 : Double.POSITIVE_INFINITY)
                        : Math.sqrt(diff[l][t - 1] / ref[l][t - 1]);
                comparable[t - 1] = g != null && g.comparable(0, t) && g.comparable(1, t);
            }
            results.add(new LayerResult(l, s.layer.name(), s.layer.type(), s.layer.outputShape(), g != null,
                    g == null ? 0 : g.jumpValue(0), g == null ? 0 : g.jumpValue(1), g == null ? 0 : g.step[0], g == null ? 0 : g.step[1],
                    g == null ? in[1] : g.field[0], g == null ? in[2] : g.field[1], g == null || g.periodic, errors, comparable, cells[l]));
        }
        return new Result(padding, maxShift, inputs.batch(), results);
    }

    /** One step per layer (layer i is node i + 1); a layer is spatial while some path to it stays spatial. */
    private static List<ProbeStep> steps(Graph model) {
        List<ProbeStep> steps = new ArrayList<>();
        List<Node> nodes = model.nodes();
        boolean[] spatial = new boolean[nodes.size()];
        spatial[0] = true;
        for (int i = 1; i < nodes.size(); i++) {
            boolean before = false;
            for (Node in : nodes.get(i).inputs()) before |= spatial[in.index()];
            ProbeStep s = ProbeStep.of(nodes.get(i).layer(), before);
            spatial[i] = s.kind != ProbeStep.Kind.GLOBAL;
            steps.add(s);
        }
        return steps;
    }

    /** Every layer's output, each step run its own way (step l is node l + 1). */
    private static List<Tensor> run(Graph model, List<ProbeStep> steps, Tensor x, boolean circular) {
        Tensor[] all = model.runNodes(x, (node, in) -> steps.get(node.index() - 1).forward(in, circular));
        return List.of(all).subList(1, all.length);
    }
}
