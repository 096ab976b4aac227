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
import org.striate.nn.Zoo;
import org.striate.tasks.Task;
import org.striate.train.Adam;
import org.striate.train.AdamW;
import org.striate.train.BestWeights;
import org.striate.train.EarlyStopping;
import org.striate.train.LearningRateSchedule;
import org.striate.train.Listeners;
import org.striate.train.SoftmaxCrossEntropy;
import org.striate.train.Checkpoint;
import org.striate.train.EpochStats;
import org.striate.train.Evaluation;
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
                "Prints one line per epoch (train and test or validation loss and accuracy, time so far), then the final test accuracy.",
                "Writes the model to --out (never over an existing file without --overwrite) and the per-epoch figures to a CSV file beside it.",
                "--dashboard shows the run live in a browser; --tensorboard writes it for TensorBoard."},
        footer = {"", "Examples:", "  striate train", "  striate train --model lenet5 --epochs 3 --out models/lenet5.striate",
                "  striate train --model my.spec --data /path/to/mnist --optimizer sgd --json",
                "  striate train --data /path/to/cifar-10-batches-bin --augment shift=4,flip",
                "  striate train --data photos --input 3x32x32     (photos/train/cat/1.png ...)",
                "  striate train --data photos --split 0.8         (photos/cat/1.png ...: 80%% of each class to train on)",
                "  striate train --val-split 0.1 --early-stop 3 --save-best --lr-schedule cosine,warmup=1 --dashboard",
                "  striate train --init-from models/lenet5.striate --epochs 2 --out models/lenet5-more.striate",
                "  striate train --model torch.onnx --freeze conv1,conv2 --epochs 1     (fine-tune an imported model's head)",
                "  striate train --model torch.onnx --freeze-until fc1 --new-head 5 --data photos",
                "  striate train --checkpoint-every 500            (then, after a crash or kill, the same command with",
                "                                                   --resume models/fashion-cnn.striate.ckpt)",
                "  striate train --task segment --data scenes --epochs 4", "  striate train --task upscale", "  striate train --task detect"})
public final class TrainCommand extends StriateCommand {

    @Option(names = "--model", paramLabel = "NAME|SPECFILE",
            description = "Built-in model (" + ModelSource.BUILT_IN + "), a spec file, or a trained model or .onnx file to fine-tune. "
                    + "Default: fashion-cnn, and for --task segment unet-small, upscale sr-small, detect det-small.")
    String model;

    @Option(names = "--task", defaultValue = "classify", paramLabel = "TASK",
            description = "classify (one class per image), segment (a class per pixel on fashion-scenes), upscale (2x super-resolution "
                    + "of the data's images) or detect (boxes on fashion-scenes). Default: ${DEFAULT-VALUE}.")
    String task;

    @Option(names = "--scenes", defaultValue = "20000", paramLabel = "N",
            description = "Training scenes of fashion-scenes (segment, detect). Default: ${DEFAULT-VALUE}.")
    int scenes;

    @Option(names = "--test-scenes", defaultValue = "2000", paramLabel = "N", description = "Test scenes (segment, detect). Default: ${DEFAULT-VALUE}.")
    int testScenes;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The four IDX files, CIFAR-10 batches, or image folders train/ and test/ (default: " + DataLocation.PACKAGE_DIR + "). "
                    + "For segment and detect, the garments of the scenes ('scenes' or none: Fashion-MNIST).")
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

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "adam|adamw|sgd",
            description = "adam, adamw (decoupled weight decay), or sgd with momentum 0.9. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default: 0.001 for adam and adamw, 0.01 for sgd).")
    Double lr;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seeds the initial weights and the batch order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Model file to write (default: models/<model>.striate, or models/<model>-2.striate, -3, ... when that exists).")
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
    TrainControls controls;

    @Mixin
    FineTuning fineTuning;

    @Mixin
    TrainWatch watch;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    /** Enough for fashion-cnn to pass 91% test accuracy on Fashion-MNIST with Adam at 0.001 (see BENCHMARKS.md). */
    static final int DEFAULT_EPOCHS = 8;

    /** An option the dense tasks would ignore is refused, named, before any data is read. */
    private void refuseClassificationOnly() {
        String given = controls.classificationOnlyOption();
        if (given == null) given = watch.optionGiven();
        if (given == null && checkpointEvery != null) given = "--checkpoint-every";
        if (given == null && resume != null) given = "--resume";
        if (given == null && !augmentation().isNone()) given = "--augment";
        if (given != null) {
            throw new StriateException(given + " applies to classification only. Expected no " + given + " with --task " + task
                    + " (its options: --model, --data, --scenes, --test-scenes, --input, --epochs, --batch, --optimizer, --lr, --weight-decay, "
                    + "--lr-schedule, --seed, --limit, --out, --overwrite, --freeze, --freeze-until, --new-head, --threads, --kernels, --json).");
        }
    }

    @Override
    protected int run() throws IOException, InterruptedException {
        if (epochs <= 0) throw new StriateException("Invalid value for option '--epochs'. Expected a strictly positive value. Received " + epochs + ".");
        if (batch <= 0) throw new StriateException("Invalid value for option '--batch'. Expected a strictly positive value. Received " + batch + ".");
        if (limit != null && limit <= 0) throw new StriateException("Invalid value for option '--limit'. Expected a strictly positive value. Received " + limit + ".");
        if (checkpointEvery != null && checkpointEvery < 0) {
            throw new StriateException("Invalid value for option '--checkpoint-every'. Expected a number of steps >= 0. Received " + checkpointEvery + ".");
        }
        Task kind = Task.parse(task);
        if (kind != Task.CLASSIFY) refuseClassificationOnly();
        boolean modelGiven = model != null;
        if (model == null) model = kind.defaultModel();
        controls.validate(modelGiven, input != null);
        fineTuning.validate();
        Optimizer opt = optimizer();
        LearningRateSchedule schedule = controls.schedule(epochs);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(controls.labelSmoothing);
        String name = controls.initFrom != null ? baseName(controls.initFrom.toString()) : baseName(model);
        if (out != null) AtomicFile.checkTarget(out, "--out"); // a device or a path under a file is refused before 'exists'
        ModelTarget target = ModelTarget.choose(out, name, controls.overwrite);
        if (Files.isDirectory(target.model())) {
            throw new StriateException("--out " + target.model() + " is a directory. Expected a file name, e.g. "
                    + target.model().resolve(name + ModelFile.EXTENSION) + ".");
        }
        // every file the run will write is checked now, not after hours of training
        Path checkpointFile = checkpointEvery != null || resume != null ? Checkpoint.besideModel(target.model()) : null;
        AtomicFile.checkTarget(target.model(), "--out");
        AtomicFile.checkTarget(target.metrics(), "The metrics file");
        if (checkpointFile != null) AtomicFile.checkTarget(checkpointFile, "The checkpoint file");
        Checkpoint resumed = resume == null ? null : Checkpoint.load(resume);

        if (kind != Task.CLASSIFY) return TaskTraining.run(this, kind, target.model());
        Augmentation augmentation = augmentation();
        int[] shape = input == null ? null : ModelSource.parseShape(input, "--input");
        if (TrainControls.architectureOnly(model) && controls.initFrom == null) err().println(TrainControls.architectureNote(model, seed));
        Graph net = controls.model(model, shape, Zoo.DEFAULT_CLASSES, seed);
        fineTuning.checkNames(net); // a mistyped name is told before the data is read
        TrainTestSplit split = controls.data(data, net.inputShape());
        int[] dataShape = split.train().sampleShape();
        int dataClasses = split.train().classes();
        boolean followsData = controls.initFrom == null && ModelSource.inputFollowsData(model);
        if (followsData && ((shape == null && !Arrays.equals(dataShape, net.inputShape()))
                || (Zoo.has(model) && controls.classes == null && net.outputShape()[0] != dataClasses))) {
            net = controls.model(model, shape == null ? dataShape : shape, dataClasses, seed);
        }
        Dataset train = limit == null ? split.train() : split.train().head(limit);
        Dataset test = split.test();
        TrainTestSplit held = controls.holdOut(train);
        if (held != null && controls.valSplit == null) {
            err().printf(Locale.ROOT, "note: holding out %d of %d training images for validation (--val-split %s)%n",
                    held.test().size(), train.size(), controls.validationFraction());
        }
        if (held != null) train = held.train();
        Dataset validation = held != null ? held.test() : test;
        String valName = held != null ? "val" : "test";
        net = fineTuning.apply(net, seed);
        // trained weights expect the inputs they were trained on: an imported or continued model keeps its normalisation
        if (controls.initFrom == null && !ModelSource.isImported(model)) {
            Normalization.ChannelStats stats = Normalization.perChannel(train);
            net.normalization(stats.mean(), stats.std());
        }
        net.classNames(train.classNames());

        PrintWriter lines = json ? err() : out();
        boolean bar = !noProgress && EpochProgress.stderrIsTerminal();
        EarlyStopping stop = controls.earlyStopping();
        BestWeights best = controls.bestWeights(net);
        final Dataset trainSet = train;
        try (EpochProgress progress = new EpochProgress(err(), bar, epochs)) {
            TrainingListener watching = watch.start(net, name, batch, opt.learningRate(), schedule, validation, valName, err());
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
                    if (step == 1) progress.startEpoch(epoch, trainSet.size());
                    progress.progress(Math.min((long) step * batch, trainSet.size()), loss, accuracy);
                }

                @Override
                public void onEpoch(EpochStats s) {
                    progress.endEpochBar();
                    lines.println(EpochProgress.epochLine(s, epochs, valName, progress.elapsed()));
                    lines.flush();
                }
            };
            History history = new Trainer(net, TrainOptions.builder().epochs(epochs).batchSize(batch).optimizer(opt).seed(seed)
                    .schedule(schedule).loss(loss).validation(validation).listener(Listeners.of(listener, stop, best, watching))
                    .augmentation(augmentation).checkpoint(checkpointFile, checkpointEvery == null ? 0 : checkpointEvery).resume(resumed)
                    .build()).fit(train);
            if (stop != null && stop.stopped()) lines.println(stop.describe());
            if (best != null) {
                best.restore();
                lines.printf(Locale.ROOT, "kept the weights of epoch %d (best %s %.4f)%n", best.bestEpoch(), best.monitor().label(), best.best());
            }
            // The figure 'striate eval' reproduces: the evaluator at its default batch size on the final
            // weights. When the last epoch validated on the test set at that batch size, it is exactly this computation.
            boolean lastIsFinal = held == null && best == null && batch == Evaluator.DEFAULT_BATCH;
            Evaluation testEvaluation = lastIsFinal && !watch.wantsTestEvaluation() ? null : Evaluator.evaluate(net, test);
            double accuracy = testEvaluation == null ? history.last().validationAccuracy() : testEvaluation.accuracy();
            net.training(TrainingNotes.of(this, train, validation, held != null, history, stop, best));
            Path written = target.model();
            Files.createDirectories(written.toAbsolutePath().getParent());
            ModelFile.save(net, written);
            MetricsCsv.write(target.metrics(), history, valName);
            double seconds = progress.seconds();
            int ran = history.size();
            if (json) {
                Map<String, Object> o = Json.object();
                o.put("model", model);
                o.put("test_accuracy", accuracy);
                o.put("epochs", ran);
                o.put("seconds", Math.round(seconds * 10) / 10.0);
                o.put("train_samples", train.size());
                o.put("validation_samples", held == null ? 0 : validation.size());
                o.put("test_samples", test.size());
                if (best != null) o.put("best_epoch", best.bestEpoch());
                o.put("params", net.paramCount());
                o.put("out", written.toString());
                o.put("metrics", target.metrics().toString());
                out().println(Json.write(o));
            } else {
                out().printf(Locale.ROOT, "test accuracy %.4f (%s, %d epoch%s, %s) saved to %s%n",
                        accuracy, name, ran, ran == 1 ? "" : "s", EpochProgress.format(java.time.Duration.ofMillis((long) (seconds * 1000))), written);
                if (!target.note().isEmpty()) out().println(target.note());
                out().println("per-epoch figures in " + target.metrics());
            }
            out().flush();
            watch.finish(testEvaluation, "Saved to " + written + ".");
            watch.linger(err());
        } finally {
            watch.close();
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

    Optimizer optimizer() {
        switch (optimizer.toLowerCase(Locale.ROOT)) {
            case "adam":
                return new Adam(baseRate()).weightDecay(weightDecay());
            case "adamw":
                return new AdamW(baseRate()).weightDecay(weightDecay());
            case "sgd":
                return new Sgd(baseRate()).momentum(0.9).weightDecay(weightDecay());
            default:
                throw new StriateException("Invalid value for option '--optimizer'. Expected adam, adamw or sgd. Received '" + optimizer + "'"
                        + DidYouMean.suffix(optimizer, java.util.List.of("adam", "adamw", "sgd")) + ".");
        }
    }

    /** --lr, else 0.01 for SGD and 0.001 for Adam and AdamW. */
    double baseRate() { return lr != null ? lr : optimizer.equalsIgnoreCase("sgd") ? 0.01 : 1e-3; }

    /** --weight-decay, else 0.01 for AdamW (decoupled decay is its point) and 0 for the others. */
    double weightDecay() {
        double wd = controls.weightDecay == null ? (optimizer.equalsIgnoreCase("adamw") ? 0.01 : 0) : controls.weightDecay;
        if (!(wd >= 0) || Double.isInfinite(wd)) throw new StriateException("Invalid value for option '--weight-decay'. Expected a finite value >= 0. Received " + wd + ".");
        return wd;
    }

    /** "fashion-cnn" for a built-in model, the file name without extension for a spec file. */
    static String baseName(String model) {
        String name = Path.of(model).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
