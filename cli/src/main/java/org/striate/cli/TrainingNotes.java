package org.striate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.striate.data.Dataset;
import org.striate.train.BestWeights;
import org.striate.train.EarlyStopping;
import org.striate.train.History;

/**
 * How a classification run trained its model, as "key: value" lines the model file keeps
 * ({@link org.striate.nn.Graph#training()}) and the report shows at its top. Only what decides the
 * weights is written: no paths of outputs, checkpoints, times or thread counts, so a resumed run and a
 * run that was never stopped still write the same bytes.
 */
final class TrainingNotes {
    private TrainingNotes() {}

    static String of(TrainCommand c, Dataset train, Dataset validation, boolean heldOut, History history,
                     EarlyStopping stop, BestWeights best) {
        TrainControls k = c.controls;
        List<String> lines = new ArrayList<>();
        lines.add("model: " + (k.initFrom != null ? "continued from " + k.initFrom : c.model));
        lines.add("data: " + (c.data == null ? DataLocation.defaultDir() : c.data) + (k.split == null ? "" : " (split " + k.split + " per class)"));
        lines.add(String.format(Locale.ROOT, "training images: %,d%s", train.size(), c.limit == null ? "" : " (--limit " + c.limit + ")"));
        lines.add(heldOut ? String.format(Locale.ROOT, "validation: %,d images held out of the training set", validation.size())
                : "validation: the test set after each epoch");
        lines.add("epochs: " + history.size() + (history.size() == c.epochs ? "" : " of " + c.epochs));
        lines.add("batch: " + c.batch);
        lines.add(String.format(Locale.ROOT, "optimizer: %s, learning rate %s, weight decay %s", c.optimizer.toLowerCase(Locale.ROOT),
                number(c.baseRate()), number(c.weightDecay())));
        lines.add("learning-rate schedule: " + k.schedule);
        lines.add("augmentation: " + c.augment);
        lines.add("label smoothing: " + number(k.labelSmoothing));
        if (stop != null) lines.add("early stopping: patience " + k.earlyStop + " on " + k.monitor + (stop.stopped() ? ", stopped" : ", did not stop"));
        if (best != null) lines.add(String.format(Locale.ROOT, "weights kept: epoch %d (best %s %.4f)", best.bestEpoch(), best.monitor().label(), best.best()));
        lines.add("seed: " + c.seed);
        return String.join("\n", lines);
    }

    private static String number(double v) { return String.format(Locale.ROOT, "%s", (float) v); }
}
