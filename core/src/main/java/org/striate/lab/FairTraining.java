package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.data.Splits;
import org.striate.data.TrainTestSplit;
import org.striate.nn.Graph;
import org.striate.train.Adam;
import org.striate.train.BestWeights;
import org.striate.train.EarlyStopping;
import org.striate.train.History;
import org.striate.train.Listeners;
import org.striate.train.Monitor;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;
import org.striate.train.TrainingListener;

/**
 * Training that lets a comparison compare models rather than training budgets: a class-by-class
 * validation split of the images given (the test set is never looked at), each candidate learning rate
 * trained until the validation loss stops improving for {@code patience} epochs, the weights of its best
 * epoch kept, and the rate whose best epoch has the highest validation accuracy chosen (ties: lower
 * validation loss, then the first rate). A small model that fits slowly and a large one that fits fast
 * both get as long as they can use.
 *
 * <p>An epoch is at least {@code minEpochImages} images: a set smaller than that is repeated within the
 * epoch, so that the patience and the epoch limit mean about as many optimizer steps at 50 images as at
 * 5,000, and a tiny set is not judged after two steps.
 */
public final class FairTraining implements LabTraining {

    public record Options(double[] rates, int maxEpochs, int patience, double validationFraction, int maxValidation, int minEpochImages,
                          int batchSize, Augmentation augmentation) {
        public Options {
            if (rates.length == 0) throw new StriateException("Invalid learning-rate search: expected at least one rate. Received none.");
            for (double r : rates) if (!(r > 0)) throw new StriateException("Invalid learning rate " + r + ". Expected rates > 0.");
            if (maxEpochs <= 0 || patience <= 0 || batchSize <= 0 || minEpochImages < 0 || maxValidation <= 0) {
                throw new StriateException("Invalid fair-training options. Expected max epochs, patience, batch size and validation size > 0. Received "
                        + maxEpochs + ", " + patience + ", " + batchSize + ", " + maxValidation + ".");
            }
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new StriateException("Invalid validation fraction " + validationFraction + ". Expected a value strictly between 0 and 1.");
            }
        }

        /** Adam at 0.001 and 0.003, 20% held out (at most 2,000), patience 3, at most 30 epochs of at least 1,000 images, batch 32. */
        public static Options defaults() { return new Options(new double[] {1e-3, 3e-3}, 30, 3, 0.2, 2000, 1000, 32, null); }

        public Options withAugmentation(Augmentation a) {
            return new Options(rates, maxEpochs, patience, validationFraction, maxValidation, minEpochImages, batchSize, a);
        }

        public Options withRates(double... r) {
            return new Options(r, maxEpochs, patience, validationFraction, maxValidation, minEpochImages, batchSize, augmentation);
        }
    }

    /** One rate's training: the epoch kept (the best) of those run, and its figures on the validation split. */
    public record Trial(double rate, int bestEpoch, int epochsRun, double validationLoss, double validationAccuracy, double trainAccuracy, Graph model) {}

    /** Trains the model at one rate; scripted in tests. */
    public interface Runner {
        Trial run(double rate);
    }

    private final Options options;

    public FairTraining(Options options) { this.options = options; }

    public Options options() { return options; }

    /** Tries every rate, in order, and returns the chosen trial. */
    public static Trial search(double[] rates, Runner runner) {
        List<Trial> trials = new ArrayList<>();
        for (double r : rates) trials.add(runner.run(r));
        return choose(trials);
    }

    /** The highest validation accuracy; ties go to the lower validation loss, then to the earlier trial. */
    public static Trial choose(List<Trial> trials) {
        if (trials.isEmpty()) throw new StriateException("No trial to choose from. Expected at least one learning rate tried.");
        Trial best = trials.get(0);
        for (Trial t : trials) {
            if (t.validationAccuracy() > best.validationAccuracy()
                    || (t.validationAccuracy() == best.validationAccuracy() && t.validationLoss() < best.validationLoss())) {
                best = t;
            }
        }
        return best;
    }

    /** Early stopping on the validation loss and the best epoch's weights, as one listener; call {@code best.restore()} after the fit. */
    public static TrainingListener stopper(EarlyStopping stop, BestWeights best) { return Listeners.of(stop, best); }

    @Override
    public Fit train(LongFunction<Graph> factory, Dataset data, long seed) {
        TrainTestSplit split = split(data, seed);
        Dataset fit = repeated(split.train(), options.minEpochImages()), validation = split.test();
        Trial t = search(options.rates(), rate -> {
            Graph model = factory.apply(seed);
            EarlyStopping stop = new EarlyStopping(Monitor.VALIDATION_LOSS, options.patience(), 0);
            BestWeights best = new BestWeights(model, Monitor.VALIDATION_LOSS);
            TrainOptions to = TrainOptions.builder().epochs(options.maxEpochs()).batchSize(Math.min(options.batchSize(), fit.size()))
                    .optimizer(new Adam(rate)).seed(seed).validation(validation).listener(stopper(stop, best))
                    .augmentation(options.augmentation()).build();
            History h = new Trainer(model, to).fit(fit);
            best.restore();
            var kept = h.epoch(best.bestEpoch() - 1);
            return new Trial(rate, best.bestEpoch(), h.size(), kept.validationLoss(), kept.validationAccuracy(), kept.trainAccuracy(), model);
        });
        return new Fit(t.model(), t.bestEpoch(), t.rate(), t.trainAccuracy(), t.validationAccuracy());
    }

    /** The class-by-class hold-out: the options' fraction, but about {@code maxValidation} images at most (rounded class by class). */
    TrainTestSplit split(Dataset data, long seed) {
        double fraction = Math.min(options.validationFraction(), (double) options.maxValidation() / data.size());
        return Splits.holdOut(data, fraction, seed);
    }

    /** {@code d} repeated whole, as few times as give at least {@code min} images (every image equally often). */
    static Dataset repeated(Dataset d, int min) {
        if (d.size() >= min) return d;
        int copies = (min + d.size() - 1) / d.size();
        int[] idx = new int[copies * d.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i % d.size();
        return d.subset(idx);
    }

    @Override
    public String describe() {
        StringBuilder r = new StringBuilder();
        for (double x : options.rates()) r.append(r.length() == 0 ? "" : ", ").append(x);
        return String.format(Locale.ROOT, "Adam, rate chosen from {%s} on a %.0f%% validation split (at most %,d images); early stopping "
                + "(patience %d, at most %d epochs of at least %,d images), best epoch's weights",
                r, options.validationFraction() * 100, options.maxValidation(), options.patience(), options.maxEpochs(), options.minEpochImages());
    }
}
