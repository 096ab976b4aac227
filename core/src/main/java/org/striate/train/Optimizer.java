package org.striate.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.striate.StriateException;

/**
 * Updates the model's one flat parameter buffer from its gradient twin. State (momentum, moments) is
 * allocated on the first step for that buffer length and reused on every later step.
 */
public interface Optimizer {

    /** The base learning rate; a {@link LearningRateSchedule} scales or replaces it step by step. */
    double learningRate();

    /** One update of {@code params} from {@code grads} (same length) with learning rate {@code lr}. */
    void step(float[] params, float[] grads, double lr);

    /**
     * One update of the parameters in {@code ranges} only: [from, to) pairs, ascending, as
     * {@code Graph.trainableRanges()} gives them. The others (frozen layers') stay bit-identical: no
     * gradient, weight decay or momentum reaches them, and their optimizer state does not move. An
     * optimizer that does not override this trains only models with nothing frozen, and says so.
     */
    default void step(float[] params, float[] grads, double lr, int[] ranges) {
        checkRanges(params, ranges);
        if (ranges.length == 0 && params.length == 0 || ranges.length == 2 && ranges[0] == 0 && ranges[1] == params.length) {
            step(params, grads, lr);
            return;
        }
        throw new StriateException("The optimizer '" + describe() + "' cannot leave the parameters of frozen layers alone. Expected an optimizer "
                + "that overrides step(params, grads, lr, ranges) (sgd, adam and adamw do), or no frozen layers.");
    }

    /** One update at the base learning rate. */
    default void step(float[] params, float[] grads) { step(params, grads, learningRate()); }

    /** Forgets all state (momentum, moments, step count), as if freshly made. */
    void reset();

    /**
     * Writes the state (momentum, moments, step count) that {@link #loadState} restores, so that a run
     * resumed from a checkpoint takes exactly the steps it would have taken. An optimizer with state
     * overrides both; the default refuses, naming the optimizer.
     */
    default void saveState(DataOutput out) throws IOException {
        throw new StriateException("The optimizer '" + describe() + "' cannot save its state. Expected an optimizer that overrides saveState and loadState.");
    }

    /** Restores what {@link #saveState} wrote. */
    default void loadState(DataInput in) throws IOException {
        throw new StriateException("The optimizer '" + describe() + "' cannot load a saved state. Expected an optimizer that overrides saveState and loadState.");
    }

    /** Writes a buffer as its length then its values; null as length −1. */
    static void writeFloats(DataOutput out, float[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) for (float v : values) out.writeFloat(v);
    }

    /** Reads what {@link #writeFloats} wrote. */
    static float[] readFloats(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < -1) throw new StriateException("Invalid optimizer state: a buffer of length " + n + ". Expected a length >= 0, or -1 for none.");
        if (n == -1) return null;
        org.striate.tensor.Memory.require(4L * n, "An optimizer state buffer of " + n + " values");
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = in.readFloat();
        return values;
    }

    /** e.g. "sgd lr=0.1 momentum=0.9 nesterov". */
    String describe();

    static double checkRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new StriateException("Invalid value for argument `learning_rate`. Expected a finite value > 0. Received learning_rate=" + lr + ".");
        }
        return lr;
    }

    static double checkUnit(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new StriateException("Invalid value for argument `" + name + "`. Expected a value in [0, 1). Received " + name + "=" + v + ".");
        }
        return v;
    }

    static double checkNonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new StriateException("Invalid value for argument `" + name + "`. Expected a finite value >= 0. Received " + name + "=" + v + ".");
        }
        return v;
    }

    /** Checks that {@code ranges} are [from, to) pairs, ascending, within the buffer. */
    static void checkRanges(float[] params, int[] ranges) {
        boolean ok = ranges.length % 2 == 0;
        for (int i = 0, last = 0; ok && i < ranges.length; i += 2) {
            ok = ranges[i] >= last && ranges[i] <= ranges[i + 1] && ranges[i + 1] <= params.length;
            last = ranges[i + 1];
        }
        if (!ok) {
            throw new StriateException("Invalid parameter ranges " + java.util.Arrays.toString(ranges) + " for a buffer of " + params.length
                    + " values. Expected [from, to) pairs, ascending and within the buffer, e.g. Graph.trainableRanges().");
        }
    }

    static void checkBuffers(float[] params, float[] grads) {
        if (params.length != grads.length) {
            throw new StriateException("Parameter and gradient buffers differ in length: " + params.length + " and " + grads.length
                    + ". Expected the model's params() and grads() twins.");
        }
    }
}
