package org.striate.nn;

import org.striate.kernels.Kernels;
import org.striate.kernels.Parallel;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Splits each batch over the kernels' threads and runs a whole forward and backward pass per thread,
 * instead of splitting every kernel call. Small layers such as LeNet's cannot keep two cores busy
 * one call at a time (a training step is hundreds of calls, each a hand-off and a wait); whole passes
 * on separate samples need one hand-off per direction.
 *
 * <p>Thread {@code t} always runs replica {@code t} (replica 0 is the model itself; the others are
 * {@link Sequential#replica() replicas} reading the same parameter buffer) on the same contiguous
 * slice of the batch; after backward, the replicas' gradients are added to the model's in slice
 * order. So results are bit-identical run to run for a given thread count. Kernel calls made inside
 * a pass find the pool busy and run in the calling thread.
 *
 * <p>Models whose training depends on the whole batch (BatchNorm2d's statistics) or that draw random
 * numbers per sample (Dropout) run on one thread here, with the kernels splitting each call as before.
 */
public final class DataParallel {
    private final Sequential model;
    private final Parallel pool;
    private final Sequential[] replicas;
    private final Tensor[] inputs, outputs, gradients;
    private Tensor output;
    private int batch;

    /** Uses the pool of the kernels in use; one thread (the model alone) when they have none. */
    public DataParallel(Sequential model) { this(model, Kernels.get().pool()); }

    public DataParallel(Sequential model, Parallel pool) {
        this.model = model;
        int threads = pool == null || !splittable(model) ? 1 : pool.threads();
        this.pool = threads > 1 ? pool : null;
        this.replicas = new Sequential[threads];
        replicas[0] = model;
        for (int t = 1; t < threads; t++) replicas[t] = model.replica();
        this.inputs = new Tensor[threads];
        this.outputs = new Tensor[threads];
        this.gradients = new Tensor[threads];
    }

    /** Whether a batch can be split without changing what each sample computes. */
    static boolean splittable(Sequential model) {
        for (Layer layer : model.layers()) {
            if (layer instanceof BatchNorm2d || layer instanceof Dropout) return false;
        }
        return true;
    }

    /** Replicas running at once (1 when the batch is not split). */
    public int threads() { return replicas.length; }

    /** Like {@link Sequential#forward}; the result is a buffer reused by the next call. */
    public Tensor forward(Tensor x, boolean training) {
        if (pool == null) return model.forward(x, training);
        batch = x.batch();
        int[] sample = model.inputShape(), out = model.outputShape();
        output = Layer.reuse(output, batch, out);
        int inSize = Shapes.size(sample), outSize = Shapes.size(out);
        pool.run(replicas.length, (part, from, to) -> {
            for (int t = from; t < to; t++) {
                int lo = Parallel.split(batch, replicas.length, t), hi = Parallel.split(batch, replicas.length, t + 1);
                if (lo == hi) continue;
                inputs[t] = Layer.reuse(inputs[t], hi - lo, sample);
                System.arraycopy(x.data, lo * inSize, inputs[t].data, 0, (hi - lo) * inSize);
                outputs[t] = replicas[t].forward(inputs[t], training);
                System.arraycopy(outputs[t].data, 0, output.data, lo * outSize, (hi - lo) * outSize);
            }
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
        pool.run(replicas.length, (part, from, to) -> {
            for (int t = from; t < to; t++) {
                int lo = Parallel.split(batch, replicas.length, t), hi = Parallel.split(batch, replicas.length, t + 1);
                if (lo == hi) continue;
                if (t > 0) replicas[t].zeroGrad();
                gradients[t] = Layer.reuse(gradients[t], hi - lo, out);
                System.arraycopy(dy.data, lo * outSize, gradients[t].data, 0, (hi - lo) * outSize);
                replicas[t].backwardParameters(gradients[t]);
            }
        });
        float[] sum = model.grads();
        // each thread sums one range of the buffer over the replicas, always in replica order
        pool.run(sum.length, (part, from, to) -> {
            for (int t = 1; t < replicas.length; t++) {
                if (Parallel.split(batch, replicas.length, t) == Parallel.split(batch, replicas.length, t + 1)) continue;
                float[] g = replicas[t].grads();
                for (int i = from; i < to; i++) sum[i] += g[i];
            }
        });
    }
}
