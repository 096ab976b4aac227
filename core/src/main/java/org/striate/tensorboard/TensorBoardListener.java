package org.striate.tensorboard;

import java.util.List;
import org.striate.data.Dataset;
import org.striate.lab.TrainingPictures;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;
import org.striate.train.EpochStats;
import org.striate.train.LearningRateSchedule;
import org.striate.train.TrainingListener;
import org.striate.train.UpdateRatios;

/**
 * Writes a fit into a TensorBoard event file. Every {@code every} steps (global step from 1):
 * {@code step/loss} and {@code step/accuracy} (running means over the epoch so far, as Keras logs per
 * batch), {@code step/learning_rate}, {@code step/images_per_second}; every tenth of those, the
 * per-layer {@code update_ratio/LAYER} of one step (the second, then the one after every tenth). Every epoch: {@code epoch/train_loss},
 * {@code epoch/train_accuracy}, {@code epoch/val_loss}, {@code epoch/val_accuracy}, histograms
 * {@code weights/LAYER} and {@code gradients/LAYER} (of the epoch's last step), and the images
 * {@code filters/LAYER}, {@code input} and {@code feature_maps/LAYER} of one sample image. Epoch 0
 * holds the weights and pictures before training.
 */
public final class TensorBoardListener implements TrainingListener {
    private final EventFileWriter writer;
    private final Graph model;
    private final double baseRate;
    private final LearningRateSchedule schedule;
    private final Tensor sample;
    private final UpdateRatios ratios;
    private final List<String> ratioNames;
    private int every;
    private long global;

    /** {@code sample} (may be null) provides the image whose feature maps are drawn: its first. */
    public TensorBoardListener(EventFileWriter writer, Graph model, double baseRate, LearningRateSchedule schedule, Dataset sample) {
        this.writer = writer;
        this.model = model;
        this.baseRate = baseRate;
        this.schedule = schedule;
        this.sample = sample == null || sample.size() == 0 || model.inputShape().length != 3 ? null : sample.images().slice(0, 1);
        this.ratios = new UpdateRatios(model);
        this.ratioNames = ratios.names();
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        every = (int) Math.max(1, (long) epochs * stepsPerEpoch / 2000);
        histograms(0, false);
        pictures(0);
        writer.flush();
    }

    @Override
    public void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
        global++;
        if (ratios.armed()) {
            double[] r = ratios.after();
            for (int i = 0; i < r.length; i++) writer.scalar("update_ratio/" + ratioNames.get(i), global, r[i]);
        }
        if (global % every == 0 || step == steps) {
            writer.scalar("step/loss", global, loss);
            writer.scalar("step/accuracy", global, accuracy);
            writer.scalar("step/learning_rate", global, schedule.rate(baseRate, epoch - 1, step - 1, steps));
            writer.scalar("step/images_per_second", global, imagesPerSecond);
        }
        // the step after the first is measured too, so a short run has a ratio to show
        if (global == 1 || global % (every * 10L) == 0) ratios.before();
    }

    @Override
    public void onEpoch(EpochStats s) {
        writer.scalar("epoch/train_loss", s.epoch(), s.trainLoss());
        writer.scalar("epoch/train_accuracy", s.epoch(), s.trainAccuracy());
        if (s.hasValidation()) {
            writer.scalar("epoch/val_loss", s.epoch(), s.validationLoss());
            writer.scalar("epoch/val_accuracy", s.epoch(), s.validationAccuracy());
        }
        writer.scalar("epoch/learning_rate", s.epoch(), s.learningRate());
        histograms(s.epoch(), true);
        pictures(s.epoch());
        writer.flush();
    }

    private void histograms(int epoch, boolean gradients) {
        for (Layer l : model.layers()) {
            if (l.paramCount() == 0) continue;
            writer.histogram("weights/" + l.name(), epoch, model.params(), l.paramOffset(), l.paramOffset() + l.paramCount());
            if (gradients) writer.histogram("gradients/" + l.name(), epoch, model.grads(), l.paramOffset(), l.paramOffset() + l.paramCount());
        }
    }

    private void pictures(int epoch) {
        var filters = TrainingPictures.firstFilters(model);
        if (filters != null) writer.image("filters/" + TrainingPictures.firstFiltersLayer(model), epoch, filters);
        if (sample == null) return;
        if (epoch == 0) writer.image("input", 0, TrainingPictures.input(sample));
        for (TrainingPictures.Maps m : TrainingPictures.featureMaps(model, sample)) writer.image("feature_maps/" + m.layerName(), epoch, m.image());
    }
}
