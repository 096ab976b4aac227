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
        description = {"Measure speed: training images/s (batch 64; the training step of",
                "'striate train' with SGD, momentum 0.9), inference images/s (batch 256),",
                "latency at batch 1, the FP32 peak of this machine (an FMA loop on all",
                "threads), GFLOP/s of every convolution-like layer's forward and backward,",
                "and where a training step's time goes, layer by layer."},
        footer = {"", "Each figure is timed after a warm-up that lasts until the rate is steady",
                "(the JIT compiles the SIMD kernels for several seconds). Throughput and latency",
                "are means over the measuring time, taken in 5 windows; the slowest, median and",
                "fastest window are printed too, with a warning when they differ by more than",
                "25%% (other work was using the cores). Each layer pass's GFLOP/s is the best of",
                "5 windows, each followed by an FMA-loop window of the same length; its share is",
                "of the best FMA window taken alongside it, so it compares like with like even",
                "when the machine's speed drifts. peak_gflops is the best FMA window of the run.",
                "", "Use a JDK 21 or later for the SIMD kernels (the striate launcher picks one",
                "from /usr/lib/jvm).",
                "Compare with PyTorch on the same machine in the same sitting; see BENCHMARKS.md.",
                "", "Examples:", "  striate bench --model fashion-cnn", "  striate bench --model lenet5 --threads 1 --json"})
public final class BenchCommand extends StriateCommand {

    @Option(names = "--model", defaultValue = "fashion-cnn", paramLabel = "NAME|SPEC|FILE",
            description = "Built-in model (" + ModelSource.BUILT_IN + "), spec file, model file or .onnx file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Training batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "Time spent measuring each figure (after warm-up). Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--json", description = "Print one JSON object (keys train_images_per_s, infer_images_per_s, "
            + "latency_batch1_us, peak_gflops, layers).")
    boolean json;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    @Override
    protected int run() throws Exception {
        if (batch <= 0) throw new StriateException("Invalid value for option '--batch'. Expected a positive number. Received " + batch + ".");
        if (!(seconds > 0)) throw new StriateException("Invalid value for option '--seconds'. Expected a positive number. Received " + seconds + ".");
        Graph net = ModelSource.load(model, null, 42);
        BenchOptions d = BenchOptions.defaults();
        BenchOptions o = new BenchOptions(seconds, batch, d.inferBatch(), d.seed(), d.peakMillis());
        BenchResult r = ModelBench.run(model, net, o);
        out().print(json ? r.toJson() + System.lineSeparator() : r.toText());
        out().flush();
        return ExitCode.OK;
    }
}
