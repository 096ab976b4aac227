package org.striate.train;

import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Memory;

/**
 * What running a model on a batch will take besides its parameters: the batch itself and every
 * layer's output (training keeps about three buffers a layer: output, input gradient and what
 * backward needs; inference one or two), plus the optimizer's buffers. Checked before the first
 * batch, so a model or batch that cannot fit is refused with the figures.
 */
public final class MemoryPlan {
    private MemoryPlan() {}

    /** Floats per sample: the input and every layer's output. */
    static long activationsPerSample(Graph model) {
        double n = size(model.inputShape());
        for (Layer l : model.layers()) n += size(l.outputShape());
        return (long) Math.min(n, Long.MAX_VALUE / 64);
    }

    /** Refuses, with a {@link org.striate.tensor.TooLargeException} naming {@code what} and the figures, a batch that cannot fit the heap. */
    public static void check(Graph model, int batch, boolean training, String what) {
        long perSample = activationsPerSample(model);
        double bytes = 4.0 * batch * perSample * (training ? 3 : 2) + (training ? 4.0 * 2 * model.paramCount() : 0);
        Memory.require((long) Math.min(bytes, Long.MAX_VALUE), what + " with batches of " + batch + " ("
                + Memory.human(4.0 * perSample) + " of activations per sample" + (training ? ", about three buffers of each in training" : "") + ")");
    }

    private static double size(int[] shape) {
        double n = 1;
        for (int d : shape) n *= d;
        return n;
    }

}
