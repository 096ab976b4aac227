package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Finite-difference check of a layer's backward pass. The loss is L = Σ r·y with a fixed random r
 * (so dL/dy = r), summed in double; each input and parameter is moved by ±h and ±2h and the
 * five-point central difference (L(−2h) − 8L(−h) + 8L(h) − L(2h)) / 12h is compared with what
 * backward produced. The relative error of one entry is |a − n| / max(|a|, |n|, 0.01):
 * the floor keeps entries whose true gradient is nearly zero (where float rounding of the forward pass
 * is all that is left) from dominating. Inputs are chosen by the caller to avoid kinks (ReLU at 0)
 * and ties (pooling): a finite difference across a kink measures neither side.
 */
final class GradientCheck {
    static final double TOLERANCE = 1e-3;

    private final Layer layer;
    private final int[] inputShape;
    private int batch = 2;
    private boolean training = true;
    private double eps = 0.05, floor = 1e-2;
    private long seed = 1;
    private Runnable beforeForward = () -> {};
    private InputMaker inputs = GradientCheck::awayFromZero;

    /** Fills n input values; implementations avoid the layer's kinks and ties. */
    interface InputMaker { float[] make(int n, Random rng); }

    private GradientCheck(Layer layer, int[] inputShape) {
        this.layer = layer;
        this.inputShape = inputShape.clone();
    }

    static GradientCheck of(Layer layer, int... inputShape) { return new GradientCheck(layer, inputShape); }

    GradientCheck batch(int n) { batch = n; return this; }
    GradientCheck training(boolean on) { training = on; return this; }
    GradientCheck eps(double e) { eps = e; return this; }
    GradientCheck seed(long s) { seed = s; return this; }
    GradientCheck inputs(InputMaker m) { inputs = m; return this; }
    /** Runs before every forward pass: lets Dropout draw the same mask each time. */
    GradientCheck beforeForward(Runnable r) { beforeForward = r; return this; }

    /** Uniform magnitudes in [0.2, 1] with random signs: no value within 2·eps of ReLU's kink at 0. */
    static float[] awayFromZero(int n, Random rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((0.2 + 0.8 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1));
        return v;
    }

    /** Distinct values 0.25 apart, shuffled: no pooling window holds two values within 4·eps. */
    static float[] distinct(int n, Random rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2) * 0.25f;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = v[i]; v[i] = v[j]; v[j] = t;
        }
        return v;
    }

    /** Worst relative errors found, and the largest gradient seen (a check of a zero gradient proves nothing). */
    record Report(double inputError, double paramError, double largestInputGrad, double largestParamGrad, int params) {}

    /** Builds the layer alone with its own parameter buffer, runs the check and asserts the tolerance. */
    Report run() {
        Random rng = new Random(seed);
        layer.build(inputShape);
        int p = layer.paramCount();
        float[] params = new float[p + 3], grads = new float[p + 3];
        layer.bind(params, grads, 3); // a non-zero offset, as layers deep in a model have
        layer.initParams(new Random(seed + 1));
        for (int i = 0; i < p; i++) params[3 + i] = (float) (rng.nextDouble() * 1.6 - 0.8);

        Tensor x = Tensor.of(inputs.make(batch * Shapes.size(inputShape), rng), Shapes.withBatch(batch, inputShape));
        Tensor r = new Tensor(Shapes.withBatch(batch, layer.outputShape()));
        for (int i = 0; i < r.size(); i++) r.data[i] = (float) (rng.nextDouble() * 2 - 1);

        beforeForward.run();
        layer.forward(x, training);
        Tensor dx = layer.backward(r.copy()).copy();
        float[] dParams = java.util.Arrays.copyOfRange(grads, 3, 3 + p);

        double[] inErr = compare(x.data, 0, x.size(), dx.data, x, r);
        double[] parErr = compare(params, 3, p, dParams, x, r);
        Report report = new Report(inErr[0], parErr[0], inErr[1], parErr[1], p);
        if (System.getenv("STRIATE_GRADCHECK_PRINT") != null) System.out.println("gradcheck " + layer.spec() + " " + report);
        String what = layer.spec() + " on " + Shapes.str(Shapes.withBatch(batch, inputShape)) + (training ? " (training)" : " (evaluation)");
        assertTrue(report.inputError <= TOLERANCE, what + ": input gradient relative error " + report.inputError);
        assertTrue(report.largestInputGrad > 1e-3, what + ": the input gradient is all zero, nothing was checked");
        assertTrue(report.paramError <= TOLERANCE, what + ": parameter gradient relative error " + report.paramError);
        assertTrue(p == 0 || report.largestParamGrad > 1e-3, what + ": the parameter gradient is all zero, nothing was checked");
        return report;
    }

    /**
     * Five-point central differences for values[from, from + n) against analytic[0, n); returns
     * {worst error, largest |gradient|}. The five-point stencil (truncation error O(eps⁴)) allows an
     * eps large enough that float rounding in the forward pass stays far below the tolerance.
     */
    private double[] compare(float[] values, int from, int n, float[] analytic, Tensor x, Tensor r) {
        double worst = 0, largest = 0;
        for (int i = 0; i < n; i++) {
            float orig = values[from + i];
            double h = ((double) (float) (orig + eps) - (float) (orig - eps)) / 2; // the step float can represent
            double[] loss = new double[4];
            double[] steps = {-2 * h, -h, h, 2 * h};
            for (int s = 0; s < 4; s++) {
                values[from + i] = (float) (orig + steps[s]);
                loss[s] = loss(x, r);
            }
            values[from + i] = orig;
            double numeric = (loss[0] - 8 * loss[1] + 8 * loss[2] - loss[3]) / (12 * h);
            double a = analytic[i];
            double err = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), floor);
            worst = Math.max(worst, err);
            largest = Math.max(largest, Math.abs(numeric));
        }
        return new double[] {worst, largest};
    }

    private double loss(Tensor x, Tensor r) {
        beforeForward.run();
        Tensor y = layer.forward(x, training);
        double sum = 0;
        for (int i = 0; i < y.size(); i++) sum += (double) r.data[i] * y.data[i];
        return sum;
    }
}
