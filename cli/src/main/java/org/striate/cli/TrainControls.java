package org.striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.data.Splits;
import org.striate.data.TrainTestSplit;
import org.striate.io.ModelFile;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;
import org.striate.train.BestWeights;
import org.striate.train.EarlyStopping;
import org.striate.train.LearningRateSchedule;
import org.striate.train.Monitor;
import picocli.CommandLine.Option;

/**
 * The options of 'striate train' that watch and steer a run: validation split, early stopping, keeping
 * the best epoch, learning-rate schedule, weight decay, label smoothing, class count, single-tree split,
 * continuing from a trained model, and what may be written over.
 */
final class TrainControls {

    @Option(names = "--val-split", paramLabel = "F",
            description = "Hold out this fraction of the training images (per class, the same every run) for validation; "
                    + "the test set is then used only once, at the end.")
    Double valSplit;

    @Option(names = "--early-stop", paramLabel = "PATIENCE",
            description = "Stop when the validation figure (--monitor) has not improved for PATIENCE epochs. Holds out 10%% for validation unless --val-split says otherwise.")
    Integer earlyStop;

    @Option(names = "--save-best",
            description = "Save the weights of the epoch with the best validation figure (--monitor), not the last epoch's.")
    boolean saveBest;

    @Option(names = "--monitor", defaultValue = "val_loss", paramLabel = "val_loss|val_accuracy",
            description = "The validation figure --early-stop and --save-best watch. Default: ${DEFAULT-VALUE}.")
    String monitor;

    @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "KIND[,k=v...]",
            description = "Learning rate over the run: " + ScheduleOption.HELP + " Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--weight-decay", paramLabel = "X",
            description = "Weight decay: decoupled for adamw (default 0.01), L2 added to the gradient for adam and sgd (default 0).")
    Double weightDecay;

    @Option(names = "--label-smoothing", defaultValue = "0", paramLabel = "X",
            description = "Spread X of each label's target over all classes (0 to 1, e.g. 0.1). Default: ${DEFAULT-VALUE}.")
    double labelSmoothing;

    @Option(names = "--classes", paramLabel = "K",
            description = "Outputs of a built-in model's last layer. Default: the number of classes in the data.")
    Integer classes;

    @Option(names = "--split", paramLabel = "F",
            description = "--data is one folder with a sub-folder of images per class: train on this fraction of each class "
                    + "(the same every run), test on the rest, e.g. 0.8.")
    Double split;

    @Option(names = "--init-from", paramLabel = "FILE",
            description = "Continue training from the weights (and normalisation) of this trained model file.")
    Path initFrom;

    @Option(names = "--overwrite", description = "Allow writing over an existing --out file (and its metrics file).")
    boolean overwrite;

    /** Checks what can be checked before any data is read. */
    void validate(boolean modelGiven, boolean inputGiven) {
        if (valSplit != null && !(valSplit > 0 && valSplit < 1)) throw fraction("--val-split", valSplit);
        if (split != null && !(split > 0 && split < 1)) throw fraction("--split", split);
        if (earlyStop != null && earlyStop <= 0) {
            throw new StriateException("Invalid value for option '--early-stop'. Expected a number of epochs > 0. Received " + earlyStop + ".");
        }
        if (classes != null && classes < 2) throw new StriateException("Invalid value for option '--classes'. Expected at least 2. Received " + classes + ".");
        if (initFrom != null && modelGiven) {
            throw new StriateException("--model and --init-from both name the model to train. Expected one: --init-from FILE continues from "
                    + "FILE's architecture and weights, --model starts from new weights.");
        }
        if (initFrom != null && (inputGiven || classes != null)) {
            throw new StriateException("--input and --classes cannot change the trained model " + initFrom + ". Expected them only with --model.");
        }
        monitor();
    }

    Monitor monitor() {
        try {
            return Monitor.parse(monitor);
        } catch (StriateException e) {
            throw new StriateException("Invalid value for option '--monitor'. Expected val_loss or val_accuracy. Received '" + monitor + "'.");
        }
    }

    /** Validation is needed to watch; without --val-split a tenth is held out. */
    double validationFraction() {
        if (valSplit != null) return valSplit;
        return earlyStop != null || saveBest ? 0.1 : 0;
    }

    LearningRateSchedule schedule(int epochs) { return ScheduleOption.parse(schedule, epochs); }

    /**
     * The first option given that only classification honours, or null: segment, upscale and detect
     * bring their own loss, data split and figures, so these would be silently ignored there.
     */
    String classificationOnlyOption() {
        if (valSplit != null) return "--val-split";
        if (earlyStop != null) return "--early-stop";
        if (saveBest) return "--save-best";
        if (labelSmoothing != 0) return "--label-smoothing";
        if (classes != null) return "--classes";
        if (split != null) return "--split";
        if (initFrom != null) return "--init-from";
        return null;
    }

    EarlyStopping earlyStopping() { return earlyStop == null ? null : new EarlyStopping(monitor(), earlyStop, 0); }

    BestWeights bestWeights(Graph net) { return saveBest ? new BestWeights(net, monitor()) : null; }

    /**
     * The model to train: --init-from's file as it is; a trained file given to --model is only an
     * architecture (new weights from the seed, said on {@code err}); a built-in model ends in --classes
     * or the data's class count.
     */
    Graph model(String ref, int[] shape, int dataClasses, long seed) throws IOException {
        if (initFrom != null) return ModelSource.trained(initFrom);
        if (architectureOnly(ref)) {
            if (shape != null) throw new StriateException("--input cannot change the input of the trained model " + ref + ". Expected --input only with a built-in model or a spec file.");
            return LayerSpecs.parse(ModelFile.load(Path.of(ref)).spec(), ref, null).build(seed);
        }
        if (Zoo.has(ref)) return Zoo.build(ref, shape == null ? Zoo.defaultInput() : shape, classes != null ? classes : dataClasses, seed);
        if (classes != null) throw new StriateException("--classes applies to built-in models only. Expected the spec file " + ref + " to end in 'dense " + classes + "'.");
        return ModelSource.load(ref, shape, seed);
    }

    /** A trained model file given to --model: only its architecture is trained. */
    static boolean architectureOnly(String ref) throws IOException {
        return !Zoo.has(ref) && java.nio.file.Files.isRegularFile(Path.of(ref)) && ModelSource.isModelFile(Path.of(ref));
    }

    static String architectureNote(String ref, long seed) {
        return "note: " + ref + " is a trained model; training its architecture from new weights (seed " + seed
                + "). --init-from " + ref + " continues from its weights.";
    }

    /** The training and test parts: --split cuts one class-folder tree in two, else the data's own parts. */
    TrainTestSplit data(Path dir, int[] shape) throws IOException {
        if (split == null) return DataLocation.load(dir, shape);
        return DataLocation.loadTree(dir, shape, split);
    }

    /** (training, validation) from the training part, or null when nothing is held out. */
    TrainTestSplit holdOut(Dataset train) {
        double f = validationFraction();
        return f == 0 ? null : Splits.holdOut(train, f, Splits.DEFAULT_SEED);
    }

    private static StriateException fraction(String option, double v) {
        return new StriateException(String.format(Locale.ROOT, "Invalid value for option '%s'. Expected a fraction strictly between 0 and 1, e.g. 0.8. Received %s.", option, v));
    }
}
