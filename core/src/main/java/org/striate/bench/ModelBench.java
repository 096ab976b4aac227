package org.striate.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.striate.kernels.Kernels;
import org.striate.kernels.PeakFlops;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.nn.Node;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.BatchLoader;
import org.striate.train.DataParallel;
import org.striate.train.Loss;
import org.striate.train.MemoryPlan;
import org.striate.train.MeanSquaredError;
import org.striate.train.Sgd;
import org.striate.train.SoftmaxCrossEntropy;
import org.striate.train.TrainingStep;

/**
 * Times a Graph model with the kernels in use: training throughput (the step {@code striate train}
 * takes: its batch loader, loss, thread split and optimizer, here SGD with momentum 0.9), inference
 * throughput, batch-1 latency, the machine's FP32 peak and each convolution-like layer's GFLOP/s.
 * Random inputs: speed does not depend on values. A model whose output is one vector per sample is
 * trained on class labels with softmax cross-entropy; one with maps (segmentation, super-resolution)
 * on random targets with mean squared error.
 */
public final class ModelBench {
    static final double LEARNING_RATE = 0.01, MOMENTUM = 0.9;
    /** Distinct batches the loader cycles through, so the step reads fresh memory as in an epoch. */
    private static final int BATCHES = 4;

    private ModelBench() {}

    public static BenchResult run(String modelName, Graph model, BenchOptions o) {
        Kernels k = Kernels.get();
        int threads = k.pool() == null ? 1 : k.pool().threads();
        Random rng = new Random(o.seed());
        // a model whose batches cannot fit is refused with the figures now, not after minutes of
        // allocating towards an OutOfMemoryError
        MemoryPlan.check(model, o.trainBatch(), true, "Benchmarking the model's training");
        MemoryPlan.check(model, o.inferBatch(), false, "Benchmarking the model's inference");

        Runnable step = trainingStep(model, o.trainBatch(), rng);
        BenchResult.Spread train = Timing.perSecond(step, o.seconds()).times(o.trainBatch());
        long trainAllocated = AllocationMeter.perCall(step, 3);

        // inference as a deployed model runs it: a copy with its weights fixed (laid out and folded once)
        Graph fixed = model.forInference();
        DataParallel parallel = new DataParallel(fixed);
        Tensor inferX = randomBatch(rng, o.inferBatch(), model.inputShape());
        BenchResult.Spread infer = Timing.perSecond(() -> parallel.forward(inferX, false), o.seconds()).times(o.inferBatch());
        long inferAllocated = AllocationMeter.perCall(() -> parallel.forward(inferX, false), 3);

        Tensor one = randomBatch(rng, 1, model.inputShape());
        // the cores' placement before and after: it can change while a program runs (CorePlacement)
        double placedBefore = CorePlacement.roundTripNs(k.pool());
        BenchResult.Spread latency = Timing.perSecond(() -> fixed.forward(one, false), o.seconds()).inverse(1e6);
        double placedAfter = CorePlacement.roundTripNs(k.pool());
        long latencyAllocated = AllocationMeter.perCall(() -> fixed.forward(one, false), 20);

        double peak;
        // one measurement per kind of work, with the names of the layers that repeat it
        Map<String, ConvBench.Measured> measured = new LinkedHashMap<>();
        Map<String, List<String>> alike = new HashMap<>();
        try (PeakFlops.Meter meter = PeakFlops.meter(threads)) {
            peak = meter.best(o.peakMillis());
            for (Layer layer : model.layers()) {
                if (!ConvBench.convolutionLike(layer)) continue;
                String work = ConvBench.sameWork(layer);
                if (measured.containsKey(work)) alike.get(work).add(layer.name());
                else {
                    measured.put(work, ConvBench.measure(layer, o.trainBatch(), o.seconds() / 2, meter, rng));
                    alike.put(work, new ArrayList<>());
                }
            }
        }
        // the peak reported is the best FMA window of the whole run; each layer's share is of the
        // windows taken alongside it (ConvBench)
        List<BenchResult.ConvFigures> convs = new ArrayList<>();
        for (Map.Entry<String, ConvBench.Measured> m : measured.entrySet()) {
            peak = Math.max(peak, m.getValue().peakSeen());
            convs.add(m.getValue().figures(List.copyOf(alike.get(m.getKey()))));
        }
        int profiled = Math.max(3, (int) (train.mean() / o.trainBatch() * o.seconds() / 4));
        List<BenchResult.StepShare> steps = profile(model, step, profiled);
        List<BenchResult.PassShare> inferPasses = passes(fixed, () -> parallel.forward(inferX, false),
                Math.max(3, (int) (infer.mean() / o.inferBatch() * o.seconds() / 4)));
        List<BenchResult.PassShare> latencyPasses = passes(fixed, () -> fixed.forward(one, false),
                Math.max(3, (int) (1e6 / latency.mean() * o.seconds() / 4)));
        return new BenchResult(modelName, k.name(), threads, o.trainBatch(), o.inferBatch(), train, infer, latency, peak,
                new double[] {placedBefore, placedAfter}, new BenchResult.Allocated(trainAllocated, inferAllocated, latencyAllocated),
                convs, steps, inferPasses, latencyPasses);
    }

    /**
     * The training step as {@code striate train} runs it, on {@value #BATCHES} random batches taken in
     * turn through the batch loader (which normalises them as in training).
     */
    static Runnable trainingStep(Graph model, int batch, Random rng) {
        int[] out = model.outputShape();
        boolean classes = out.length == 1;
        int n = batch * BATCHES;
        Tensor images = randomBatch(rng, n, model.inputShape());
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(out[0]);
        Tensor targets = classes ? null : randomBatch(rng, n, out);
        BatchLoader loader = new BatchLoader(images, classes ? labels : null, targets, batch, model.mean(), model.std());
        Loss loss = classes ? new SoftmaxCrossEntropy() : new MeanSquaredError();
        TrainingStep step = new TrainingStep(model, new DataParallel(model), loss, new Sgd(LEARNING_RATE).momentum(MOMENTUM));
        int[] next = {0};
        return () -> {
            Tensor x = loader.load(next[0]);
            next[0] = (next[0] + 1) % loader.steps();
            step.forward(x, loader.labels(), loader.targets());
            step.update(LEARNING_RATE);
        };
    }

    /**
     * Mean milliseconds per training step in each layer's forward and backward, over {@code steps}
     * steps of the real step. When the batch is split over threads, these are the first thread's
     * layers on its slice, which run alongside the others.
     */
    static List<BenchResult.StepShare> profile(Graph model, Runnable step, int steps) {
        List<Node> nodes = model.nodes();
        long[] fwd = new long[nodes.size()], bwd = new long[nodes.size()];
        model.clock((node, backward, nanos) -> (backward ? bwd : fwd)[node] += nanos);
        try {
            for (int s = 0; s < steps; s++) step.run();
        } finally {
            model.clock(null);
        }
        List<BenchResult.StepShare> out = new ArrayList<>();
        for (int i = 1; i < nodes.size(); i++) {
            out.add(new BenchResult.StepShare(nodes.get(i).layer().name(), fwd[i] / 1e6 / steps, bwd[i] / 1e6 / steps));
        }
        return out;
    }

    /**
     * Mean milliseconds per call in each forward pass of an inference call, over {@code calls} calls.
     * When the batch is split over threads, these are the first thread's passes on its slice, which
     * run alongside the others': the model's own layers, the first slice's.
     */
    static List<BenchResult.PassShare> passes(Graph model, Runnable call, int calls) {
        long[] nanos = new long[model.nodes().size()];
        model.clock((node, backward, t) -> nanos[node] += t);
        try {
            for (int c = 0; c < calls; c++) call.run();
        } finally {
            model.clock(null);
        }
        List<BenchResult.PassShare> out = new ArrayList<>();
        for (int i = 1; i < nanos.length; i++) {
            String pass = model.forwardPass(i);
            if (pass != null) out.add(new BenchResult.PassShare(pass, nanos[i] / 1e6 / calls));
        }
        return out;
    }

    static Tensor randomBatch(Random rng, int n, int[] sample) {
        Tensor t = new Tensor(Shapes.withBatch(n, sample));
        for (int i = 0; i < t.size(); i++) t.data[i] = rng.nextFloat();
        return t;
    }
}
