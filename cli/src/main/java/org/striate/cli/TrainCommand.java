package org.striate.cli;

import org.striate.train.Trainer;
import org.striate.io.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.data.Normalization;
import org.striate.data.TrainTestSplit;
import org.striate.io.AtomicFile;
import org.striate.io.ModelFile;
import org.striate.nn.Graph;
import org.striate.train.Adam;
import org.striate.train.Checkpoint;
import org.striate.train.EpochStats;
import org.striate.train.Evaluator;
import org.striate.train.History;
import org.striate.train.Optimizer;
import org.striate.train.Sgd;
import org.striate.train.TrainOptions;
import org.striate.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a model on IDX, CIFAR-10 or image-folder data and writes it atomically: nothing is written until training
 * has finished, and then a temporary file is renamed over the target, so a killed or failed run
 * never leaves a partial model file.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model and save it. Reads IDX files (Fashion-MNIST by default),",
                "CIFAR-10 binary batches, or folders train/ and test/ with a folder per class.",
                "Prints one line per epoch (train loss, test accuracy, elapsed time), then the final test accuracy.",
                "Writes the model to --out and the per-epoch figures to a CSV file beside it."},
        footer = {"", "Examples:", "  striate train", "  striate train --model lenet5 --epochs 3 --out models/lenet5.striate",
                "  striate train --model my.spec --data /path/to/mnist --optimizer sgd --json",
                "  striate train --data /path/to/cifar-10-batches-bin --augment shift=4,flip",
                "  striate train --data photos --input 3x32x32     (photos/train/cat/1.png ...)",
                "  striate train --checkpoint-every 500            (then, after a crash or kill, the same command with",
                "                                                   --resume models/fashion-cnn.striate.ckpt)"})
public final class TrainCommand extends StriateCommand {

    @Option(names = "--model", defaultValue = "fashion-cnn", paramLabel = "NAME|SPECFILE",
            description = "Built-in model (" + ModelSource.BUILT_IN + "), a spec file, or a trained model or .onnx file to fine-tune. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The four IDX files, CIFAR-10 batches, or image folders train/ and test/ (default: " + DataLocation.PACKAGE_DIR + ").")
    Path data;

    @Option(names = "--input", paramLabel = "CxHxW",
            description = "Input shape of a built-in model or spec file. Default: the data's image shape; image folders are resized to it "
                    + "(1x28x28 unless the spec file has an input line).")
    String input;

    @Option(names = "--augment", defaultValue = "none", paramLabel = "shift=N,flip",
            description = "Random shift of up to N pixels (zero padding, the same as a padded random crop) and/or random horizontal "
                    + "flip of each training image. Default: ${DEFAULT-VALUE}.")
    String augment;

    @Option(names = "--epochs", defaultValue = "" + DEFAULT_EPOCHS, paramLabel = "N", description = "Passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Images per optimizer step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "adam|sgd",
            description = "adam, or sgd with momentum 0.9. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default: 0.001 for adam, 0.01 for sgd).")
    Double lr;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seeds the initial weights and the batch order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--out", paramLabel = "FILE", description = "Model file to write (default: models/<model>.striate).")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Write a checkpoint to <out>.ckpt every N optimizer steps and after each epoch (0: after each epoch only);"
                    + " the one before is kept as <out>.ckpt.1.")
    Integer checkpointEvery;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Go on from a checkpoint of a run with the same model, data and options (and thread count):"
                    + " the final model is bit-identical to that of the run had it not stopped. Checkpoints go on being written.")
    Path resume;

    @Option(names = "--no-progress", description = "No progress bar, even on a terminal.")
    boolean noProgress;

    @Option(names = "--json", description = "Print one JSON object on stdout (epoch lines go to stderr).")
    boolean json;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    /** Enough for fashion-cnn to pass 91% test accuracy on Fashion-MNIST with Adam at 0.001 (see BENCHMARKS.md). */
    static final int DEFAULT_EPOCHS = 8;

    @Override
    protected int run() throws IOException {
        if (epochs <= 0) throw new StriateException("Invalid value for option '--epochs'. Expected a strictly positive value. Received " + epochs + ".");
        if (batch <= 0) throw new StriateException("Invalid value for option '--batch'. Expected a strictly positive value. Received " + batch + ".");
        if (limit != null && limit <= 0) throw new StriateException("Invalid value for option '--limit'. Expected a strictly positive value. Received " + limit + ".");
        if (checkpointEvery != null && checkpointEvery < 0) {
            throw new StriateException("Invalid value for option '--checkpoint-every'. Expected a number of steps >= 0. Received " + checkpointEvery + ".");
        }
        Optimizer opt = optimizer();
        Path target = out != null ? out : Path.of("models", baseName(model) + ModelFile.EXTENSION);
        if (Files.isDirectory(target)) {
            throw new StriateException("--out " + target + " is a directory. Expected a file name, e.g. " + target.resolve(baseName(model) + ModelFile.EXTENSION) + ".");
        }
        // every file the run will write is checked now, not after hours of training
        Path metrics = metricsFile(target);
        Path checkpointFile = checkpointEvery != null || resume != null ? Checkpoint.besideModel(target) : null;
        AtomicFile.checkTarget(target, "--out");
        AtomicFile.checkTarget(metrics, "The metrics file");
        if (checkpointFile != null) AtomicFile.checkTarget(checkpointFile, "The checkpoint file");
        Checkpoint resumed = resume == null ? null : Checkpoint.load(resume);

        Augmentation augmentation = augmentation();
        int[] shape = input == null ? null : ModelSource.parseShape(input, "--input");
        Graph net = ModelSource.load(model, shape, seed);
        TrainTestSplit split = DataLocation.load(data, net.inputShape());
        int[] dataShape = split.train().sampleShape();
        if (shape == null && !Arrays.equals(dataShape, net.inputShape()) && ModelSource.inputFollowsData(model)) {
            net = ModelSource.load(model, dataShape, seed);
        }
        Dataset train = limit == null ? split.train() : split.train().head(limit);
        Dataset test = split.test();
        Normalization.ChannelStats stats = Normalization.perChannel(train);
        net.normalization(stats.mean(), stats.std()).classNames(train.classNames());

        PrintWriter lines = json ? err() : out();
        boolean bar = !noProgress && EpochProgress.stderrIsTerminal();
        try (EpochProgress progress = new EpochProgress(err(), bar, epochs)) {
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
                    // called once the checkpoint has been checked against this run and restored
                    if (resumed == null) return;
                    lines.printf(Locale.ROOT, "resuming from %s: epoch %d/%d, step %d%n", resume, Math.min(resumed.epoch() + 1, epochs), epochs, resumed.step());
                    lines.flush();
                }

                @Override
                public void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
                    if (step == 1) progress.startEpoch(epoch, train.size());
                    progress.progress(Math.min((long) step * batch, train.size()), loss, accuracy);
                }

                @Override
                public void onEpoch(EpochStats s) {
                    progress.endEpochBar();
                    lines.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  train accuracy %.4f  test accuracy %.4f  elapsed %s%n",
                            s.epoch(), epochs, s.trainLoss(), s.trainAccuracy(), s.validationAccuracy(), progress.elapsed());
                    lines.flush();
                }
            };
            History history = new Trainer(net, TrainOptions.builder().epochs(epochs).batchSize(batch).optimizer(opt).seed(seed)
                    .validation(test).listener(listener).augmentation(augmentation)
                    .checkpoint(checkpointFile, checkpointEvery == null ? 0 : checkpointEvery).resume(resumed).build()).fit(train);
            // The figure 'striate eval' reproduces: the evaluator at its default batch size on the final
            // weights. At that batch size the last epoch's validation is exactly this computation.
            double accuracy = batch == Evaluator.DEFAULT_BATCH ? history.last().validationAccuracy()
                    : Evaluator.evaluate(net, test).accuracy();
            Files.createDirectories(target.toAbsolutePath().getParent());
            ModelFile.save(net, target);
            MetricsCsv.write(metrics, history);
            double seconds = progress.seconds();
            if (json) {
                Map<String, Object> o = Json.object();
                o.put("model", model);
                o.put("test_accuracy", accuracy);
                o.put("epochs", epochs);
                o.put("seconds", Math.round(seconds * 10) / 10.0);
                o.put("train_samples", train.size());
                o.put("test_samples", test.size());
                o.put("params", net.paramCount());
                o.put("out", target.toString());
                o.put("metrics", metrics.toString());
                out().println(Json.write(o));
            } else {
                out().printf(Locale.ROOT, "test accuracy %.4f (%s, %d epoch%s, %s) saved to %s%n",
                        accuracy, model, epochs, epochs == 1 ? "" : "s", EpochProgress.format(java.time.Duration.ofMillis((long) (seconds * 1000))), target);
            }
            out().flush();
        }
        return ExitCode.OK;
    }

    private Augmentation augmentation() {
        try {
            return Augmentation.parse(augment);
        } catch (StriateException e) {
            throw new StriateException("Invalid value for option '--augment'. Expected shift=N (N >= 0), flip, both (shift=2,flip) or none. "
                    + "Received '" + augment + "'.");
        }
    }

    private Optimizer optimizer() {
        switch (optimizer.toLowerCase(Locale.ROOT)) {
            case "adam":
                return new Adam(lr == null ? 1e-3 : lr);
            case "sgd":
                return new Sgd(lr == null ? 0.01 : lr).momentum(0.9);
            default:
                throw new StriateException("Invalid value for option '--optimizer'. Expected adam or sgd. Received '" + optimizer + "'.");
        }
    }

    /** "fashion-cnn" for a built-in model, the file name without extension for a spec file. */
    static String baseName(String model) {
        String name = Path.of(model).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** models/fashion-cnn.striate → models/fashion-cnn.metrics.csv */
    static Path metricsFile(Path model) {
        String name = model.getFileName().toString();
        if (name.endsWith(ModelFile.EXTENSION)) name = name.substring(0, name.length() - ModelFile.EXTENSION.length());
        return model.resolveSibling(name + ".metrics.csv");
    }
}
