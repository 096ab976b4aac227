package org.striate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.striate.kernels.Kernels;
import org.striate.kernels.PeakFlops;
import org.striate.train.DataParallel;
import org.striate.train.MemoryPlan;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * Times a Graph model with the kernels in use: training throughput (forward, softmax
 * cross-entropy gradient, backward, plain SGD update), inference throughput, batch-1 latency, the
 * machine's FP32 peak and each Conv2d layer's GFLOP/s. Random inputs: speed does not depend on values.
 */
public final class ModelBench {
    private static final float LEARNING_RATE = 0.01f;

    private ModelBench() {}

    public static BenchResult run(String modelName, Graph model, BenchOptions o) {
        Kernels k = Kernels.get();
        int threads = k.pool() == null ? 1 : k.pool().threads();
        Random rng = new Random(o.seed());
        int classes = model.outputShape()[0];
        // a model whose batches cannot fit is refused with the figures now, not after minutes of
        // allocating towards an OutOfMemoryError
        MemoryPlan.check(model, o.trainBatch(), true, "Benchmarking the model's training");
        MemoryPlan.check(model, o.inferBatch(), false, "Benchmarking the model's inference");

        Tensor trainX = randomBatch(rng, o.trainBatch(), model.inputShape());
        int[] labels = new int[o.trainBatch()];
        for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(classes);
        Tensor dLogits = new Tensor(o.trainBatch(), classes);
        DataParallel parallel = new DataParallel(model);
        Runnable step = () -> trainStep(model, parallel, trainX, labels, dLogits);
        double train = o.trainBatch() * Timing.perSecond(step, o.seconds());

        Tensor inferX = randomBatch(rng, o.inferBatch(), model.inputShape());
        double infer = o.inferBatch() * Timing.perSecond(() -> parallel.forward(inferX, false), o.seconds());

        Tensor one = randomBatch(rng, 1, model.inputShape());
        double latencyUs = 1e6 / Timing.perSecond(() -> model.forward(one, false), o.seconds());

        double peak;
        List<ConvBench.Measured> measured = new ArrayList<>();
        try (PeakFlops.Meter meter = PeakFlops.meter(threads)) {
            peak = meter.best(o.peakMillis());
            for (Layer layer : model.layers()) {
                if (ConvBench.convolutionLike(layer)) measured.add(ConvBench.measure(layer, o.trainBatch(), o.seconds() / 2, meter, rng));
            }
        }
        // the peak reported is the best FMA window of the whole run; each layer's share is of the
        // windows taken alongside it (ConvBench)
        List<BenchResult.ConvFigures> convs = new ArrayList<>();
        for (ConvBench.Measured m : measured) {
            peak = Math.max(peak, m.peakSeen());
            convs.add(m.figures());
        }
        List<BenchResult.StepShare> steps = profileStep(model, trainX, labels, dLogits, Math.max(3, (int) (train / o.trainBatch() * o.seconds() / 4)));
        return new BenchResult(modelName, k.name(), threads, train, infer, latencyUs, peak, convs, steps);
    }

    /** One SGD step on a batch; the gradient of the mean softmax cross-entropy is computed inline. */
    static void trainStep(Graph model, DataParallel parallel, Tensor x, int[] labels, Tensor dLogits) {
        model.zeroGrad();
        Tensor logits = parallel.forward(x, true);
        softmaxCrossEntropyGradient(logits, labels, dLogits);
        parallel.backwardParameters(dLogits);
        sgd(model.params(), model.grads());
    }

    /** d = (softmax(logits) − onehot(labels)) / N, row by row. */
    static void softmaxCrossEntropyGradient(Tensor logits, int[] labels, Tensor d) {
        int n = logits.batch(), c = logits.sampleSize();
        float[] z = logits.data, g = d.data;
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, z[i * c + j]);
            float sum = 0;
            for (int j = 0; j < c; j++) {
                float e = (float) Math.exp(z[i * c + j] - max);
                g[i * c + j] = e;
                sum += e;
            }
            for (int j = 0; j < c; j++) g[i * c + j] = (g[i * c + j] / sum - (j == labels[i] ? 1 : 0)) / n;
        }
    }

    private static void sgd(float[] params, float[] grads) {
        for (int i = 0; i < params.length; i++) params[i] -= LEARNING_RATE * grads[i];
    }

    /** Mean milliseconds per training batch in each layer's forward and backward, over {@code steps} steps. */
    static List<BenchResult.StepShare> profileStep(Graph model, Tensor x, int[] labels, Tensor dLogits, int steps) {
        List<Layer> layers = model.layers();
        long[] fwd = new long[layers.size()], bwd = new long[layers.size()];
        for (int s = 0; s < steps; s++) {
            model.zeroGrad();
            Tensor t = x;
            for (int i = 0; i < layers.size(); i++) {
                long t0 = System.nanoTime();
                t = layers.get(i).forward(t, true);
                fwd[i] += System.nanoTime() - t0;
            }
            softmaxCrossEntropyGradient(t, labels, dLogits);
            Tensor d = dLogits;
            for (int i = layers.size() - 1; i >= 0; i--) {
                long t0 = System.nanoTime();
                d = layers.get(i).backward(d);
                bwd[i] += System.nanoTime() - t0;
            }
            sgd(model.params(), model.grads());
        }
        List<BenchResult.StepShare> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            out.add(new BenchResult.StepShare(layers.get(i).name(), fwd[i] / 1e6 / steps, bwd[i] / 1e6 / steps));
        }
        return out;
    }

    static Tensor randomBatch(Random rng, int n, int[] sample) {
        int[] shape = new int[sample.length + 1];
        shape[0] = n;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        Tensor t = new Tensor(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = rng.nextFloat();
        return t;
    }
}
