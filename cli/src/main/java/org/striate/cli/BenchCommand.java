package org.striate.cli;

import org.striate.StriateException;
import org.striate.bench.BenchOptions;
import org.striate.bench.BenchResult;
import org.striate.bench.ModelBench;
import org.striate.nn.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures a model's speed on random data: training and inference throughput, batch-1 latency, the
 * machine's FP32 peak from an FMA loop, and each convolution's GFLOP/s with its share of that peak.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure speed: training images/s (the training step of 'striate train'",
                "with SGD, momentum 0.9), inference images/s, latency at batch 1, the FP32",
                "peak of this machine (an FMA loop on all threads), GFLOP/s of every",
                "convolution-like layer's forward and backward, and where a training step's",
                "time goes, layer by layer. A built-in model is built for its own input and",
                "classes (resnet18: 3x224x224, 1000 classes; the others 1x28x28, 10)."},
        footer = {"", "Batches, as the peers are timed (bench/peers.py): training 64 and inference",
                "256, or 16 and 16 for a model of 10^8 multiply-adds or more per sample (resnet18",
                "at 224x224 does 1.8*10^9, the 28x28 models at most a few 10^7). The batches",
                "used are printed, and in the JSON as train_batch and infer_batch.",
                "", "Each figure is timed after a warm-up that lasts until the rate is steady",
                "(the JIT compiles the SIMD kernels for several seconds). Throughput and latency",
                "are means over the measuring time, taken in 5 windows, each long enough for",
                "at least 3 steps (so a model whose step takes seconds is timed for longer than",
                "--seconds); the slowest, median and fastest window are printed too, with a",
                "warning when they differ by more than 25%% (other work was using the cores).",
                "Each layer pass's GFLOP/s is the best of 5 windows, each followed by an FMA-loop",
                "window of the same length; its share is of the best FMA window taken alongside",
                "it, so it compares like with like even when the machine's speed drifts.",
                "Layers doing the same work (same spec and input shape) are timed once and",
                "named together (resnet18: 20 convolutions, 11 timed). peak_gflops is the best",
                "FMA window of the run. resnet18 takes a few minutes with the default --seconds.",
                "After each figure's warm-up, the bytes its calls still allocate are counted",
                "(allocated_bytes_per_call in the JSON): 0 normally. From 64 KiB a call the",
                "JIT has left vector operations in their slow Java fallbacks in this run, and",
                "a warning says the figures are low. A fresh run compiles afresh.",
                "", "Use a JDK 21 or later for the SIMD kernels (the striate launcher picks one",
                "from /usr/lib/jvm).",
                "Compare with PyTorch on the same machine in the same sitting; see BENCHMARKS.md.",
                "", "Examples:", "  striate bench --model fashion-cnn", "  striate bench --model lenet5 --threads 1 --json",
                "  striate bench --model resnet18 --train-batch 8"})
public final class BenchCommand extends StriateCommand {

    @Option(names = "--model", defaultValue = "fashion-cnn", paramLabel = "NAME|SPEC|FILE",
            description = "Built-in model (" + ModelSource.BUILT_IN + "), spec file, model file or .onnx file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--train-batch", paramLabel = "B", description = "Training batch size. Default: 64, or 16 for a large model (see below).")
    Integer trainBatch;

    /** The earlier name of --train-batch, kept for scripts that use it. */
    @Option(names = "--batch", hidden = true, paramLabel = "B")
    Integer batch;

    @Option(names = "--infer-batch", paramLabel = "B", description = "Inference batch size. Default: 256, or 16 for a large model.")
    Integer inferBatch;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "Time spent measuring each figure (after warm-up). Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--json", description = "Print one JSON object (keys train_images_per_s, infer_images_per_s, "
            + "latency_batch1_us, train_batch, infer_batch, peak_gflops, layers).")
    boolean json;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    @Override
    protected int run() throws Exception {
        positive("--batch", batch);
        positive("--train-batch", trainBatch);
        positive("--infer-batch", inferBatch);
        Integer train = trainBatch != null ? trainBatch : batch;
        if (!(seconds > 0)) throw new StriateException("Invalid value for option '--seconds'. Expected a positive number. Received " + seconds + ".");
        Graph net = ModelSource.load(model, null, 42);
        BenchOptions d = BenchOptions.defaults(net);
        BenchOptions o = d.withSeconds(seconds).withBatches(train != null ? train : d.trainBatch(), inferBatch != null ? inferBatch : d.inferBatch());
        BenchResult r = ModelBench.run(model, net, o);
        out().print(json ? r.toJson() + System.lineSeparator() : r.toText());
        out().flush();
        return ExitCode.OK;
    }

    private static void positive(String option, Integer value) {
        if (value != null && value <= 0) {
            throw new StriateException("Invalid value for option '" + option + "'. Expected a positive number, e.g. 16. Received " + value + ".");
        }
    }
}
