package org.striate.nn;

import org.striate.kernels.Kernels;
import org.striate.kernels.Parallel;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Splits each batch over the kernels' threads and runs a whole forward and backward pass per thread,
 * instead of splitting every kernel call. Small layers such as LeNet's cannot keep two cores busy one
 * call at a time (a training step is hundreds of calls, each a hand-off and a wait); whole passes on
 * separate samples need one hand-off per direction.
 *
 * <p>Thread {@code t} runs its own {@link Sequential#replica replica} of the layers (reading the
 * model's one parameter buffer; thread 0's is the model itself) on a fixed contiguous slice of the
 * batch, accumulating into a gradient buffer of its own; these are added to the model's in thread
 * order. So results are bit-identical run to run for a given thread count. Kernel calls inside a
 * pass find the pool busy and run in the calling thread.
 *
 * <p>Models with a layer whose samples are not independent (BatchNorm2d's batch statistics,
 * Dropout's masks) or a layer of the user's own run unsplit, with the kernels splitting each call.
 */
public final class DataParallel {
    private final Sequential model;
    private final Parallel pool;
    private final Sequential[] replicas;
    private final Tensor[] inputs, outputGradients;
    private Tensor output;
    private int batch;

    /** Uses the pool of the kernels in use; one thread when they have none. */
    public DataParallel(Sequential model) { this(model, Kernels.get().pool()); }

    public DataParallel(Sequential model, Parallel pool) {
        this.model = model;
        int threads = pool != null && splittable(model) ? pool.threads() : 1;
        this.pool = threads > 1 ? pool : null;
        this.replicas = new Sequential[threads];
        replicas[0] = model;
        for (int t = 1; t < threads; t++) replicas[t] = model.replica(new float[model.grads().length]);
        this.inputs = new Tensor[threads];
        this.outputGradients = new Tensor[threads];
    }

    /**
     * Whether a batch can be cut into pieces without changing what each sample computes, and the
     * layers can be copied: replicas are built from the spec text, which only this package's layers
     * read back.
     */
    static boolean splittable(Sequential model) {
        for (Layer layer : model.layers()) {
            if (!layer.samplesIndependent() || !Sequential.builtIn(layer, Layer.class)) return false;
        }
        return true;
    }

    /** Threads the batch is split over (1 when it is not split). */
    public int threads() { return replicas.length; }

    /** Like {@link Sequential#forward}; the result is a buffer reused by the next call. */
    public Tensor forward(Tensor x, boolean training) {
        if (pool == null) return model.forward(x, training);
        batch = x.batch();
        int[] sample = model.inputShape(), out = model.outputShape();
        output = Layer.reuse(output, batch, out);
        int inSize = Shapes.size(sample), outSize = Shapes.size(out);
        forEachSlice((t, lo, hi) -> {
            inputs[t] = Layer.reuse(inputs[t], hi - lo, sample);
            System.arraycopy(x.data, lo * inSize, inputs[t].data, 0, (hi - lo) * inSize);
            Tensor y = replicas[t].forward(inputs[t], training);
            System.arraycopy(y.data, 0, output.data, lo * outSize, (hi - lo) * outSize);
        });
        return output;
    }

    /**
     * Like {@link Sequential#backwardParameters} for the batch of the last forward: accumulates
     * every sample's parameter gradient into the model's gradient buffer.
     */
    public void backwardParameters(Tensor dy) {
        if (pool == null) {
            model.backwardParameters(dy);
            return;
        }
        int[] out = model.outputShape();
        int outSize = Shapes.size(out);
        forEachSlice((t, lo, hi) -> {
            if (t > 0) replicas[t].zeroGrad();
            outputGradients[t] = Layer.reuse(outputGradients[t], hi - lo, out);
            System.arraycopy(dy.data, lo * outSize, outputGradients[t].data, 0, (hi - lo) * outSize);
            replicas[t].backwardParameters(outputGradients[t]);
        });
        float[] sum = model.grads();
        // each thread sums one range of the buffer over the replicas, always in replica order
        pool.run(sum.length, (part, from, to) -> {
            for (int t = 1; t < replicas.length; t++) {
                if (sliceStart(t) == sliceStart(t + 1)) continue;
                float[] g = replicas[t].grads();
                for (int i = from; i < to; i++) sum[i] += g[i];
            }
        });
    }

    private interface SliceTask { void run(int thread, int from, int to); }

    private int sliceStart(int t) { return Parallel.split(batch, replicas.length, t); }

    /** Runs task on every thread's slice of the last batch, all threads at once; empty slices are skipped. */
    private void forEachSlice(SliceTask task) {
        pool.run(replicas.length, (part, from, to) -> {
            for (int t = from; t < to; t++) {
                if (sliceStart(t) < sliceStart(t + 1)) task.run(t, sliceStart(t), sliceStart(t + 1));
            }
        });
    }
}
