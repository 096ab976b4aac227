package org.striate.lab;

import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluator;

/**
 * Is a trained classifier invariant to translation? Test accuracy when every test image is shifted
 * by s pixels (s = −K..K), horizontally or vertically, with zero fill: the same objects, moved.
 * A perfectly invariant model keeps its unshifted accuracy at every s; a model that reads pixels at
 * fixed places (an MLP) loses it quickly.
 */
public final class Invariance {
    private Invariance() {}

    /**
     * Accuracy at each shift: {@code horizontal[s + K]} for content moved s pixels right (left when
     * negative), {@code vertical[s + K]} for content moved s pixels down.
     */
    public record ShiftAccuracy(int maxShift, double[] horizontal, double[] vertical) {
        public int[] shifts() {
            int[] s = new int[2 * maxShift + 1];
            for (int i = 0; i < s.length; i++) s[i] = i - maxShift;
            return s;
        }

        public double unshifted() { return horizontal[maxShift]; }

        /** Accuracy at shift s along the axis (0 = vertical, 1 = horizontal). */
        public double at(int axis, int s) { return (axis == 0 ? vertical : horizontal)[s + maxShift]; }
    }

    public static ShiftAccuracy accuracyVsShift(Graph model, Dataset test, int maxShift) {
        check(model, test, maxShift);
        double[] h = new double[2 * maxShift + 1], v = new double[2 * maxShift + 1];
        double base = accuracy(model, test.images(), test.labels());
        h[maxShift] = base;
        v[maxShift] = base;
        for (int s = -maxShift; s <= maxShift; s++) {
            if (s == 0) continue;
            h[s + maxShift] = accuracy(model, Shifts.shift(test.images(), 0, s), test.labels());
            v[s + maxShift] = accuracy(model, Shifts.shift(test.images(), s, 0), test.labels());
        }
        return new ShiftAccuracy(maxShift, h, v);
    }

    /** The predicted class of each image in [0, 1] (the model's normalisation is applied). */
    public static int[] predictedClasses(Graph model, Tensor images01) {
        Tensor p = Evaluator.predict(model, images01, 256);
        int k = p.dim(1);
        int[] out = new int[p.batch()];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) if (p.data[i * k + c] > p.data[i * k + best]) best = c;
            out[i] = best;
        }
        return out;
    }

    static double accuracy(Graph model, Tensor images01, int[] labels) {
        int[] p = predictedClasses(model, images01);
        int correct = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) correct++;
        return (double) correct / p.length;
    }

    static void check(Graph model, Dataset test, int maxShift) {
        if (test.size() == 0) throw new StriateException("Cannot measure invariance on an empty data set. Expected at least one test image.");
        int[] s = test.sampleShape();
        if (s.length != 3 || !Shapes.equal(s, model.inputShape())) {
            throw new StriateException("The test images have shape " + Shapes.str(s) + " but the model expects " + Shapes.str(model.inputShape()) + ".");
        }
        if (maxShift < 0 || maxShift >= Math.min(s[1], s[2])) {
            throw new StriateException("Invalid value for argument `max-shift`. Expected 0 to " + (Math.min(s[1], s[2]) - 1)
                    + " for images of " + s[1] + "x" + s[2] + ". Received max-shift=" + maxShift + ".");
        }
    }
}
