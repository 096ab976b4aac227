package org.striate.train;

import java.util.Locale;
import org.striate.StriateException;

/**
 * Ends a fit when the watched validation figure has not improved for {@code patience} epochs in a
 * row (by more than {@code minDelta}), as Keras' EarlyStopping does. Pass it as (part of) the listener;
 * the trainer asks {@link #stopTraining()} after every epoch.
 *
 * <pre>{@code
 * EarlyStopping stop = new EarlyStopping(Monitor.VALIDATION_LOSS, 3, 0);
 * model.fit(train, TrainOptions.builder().validation(val).listener(stop).build());
 * if (stop.stopped()) System.out.println(stop.describe());
 * }</pre>
 */
public final class EarlyStopping implements TrainingListener {
    private final Monitor monitor;
    private final int patience;
    private final double minDelta;
    private double best = Double.NaN;
    private int bestEpoch, lastEpoch, epochsWithoutImprovement;
    private boolean stopped;

    public EarlyStopping(Monitor monitor, int patience, double minDelta) {
        if (monitor == null) throw new StriateException("Invalid early stopping: expected a figure to watch, received none.");
        if (patience <= 0) {
            throw new StriateException("Invalid value for argument `patience`. Expected a number of epochs > 0. Received patience=" + patience + ".");
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new StriateException("Invalid value for argument `min_delta`. Expected a finite value >= 0. Received min_delta=" + minDelta + ".");
        }
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        best = Double.NaN;
        bestEpoch = lastEpoch = epochsWithoutImprovement = 0;
        stopped = false;
    }

    @Override
    public void onEpoch(EpochStats stats) {
        double v = monitor.value(stats);
        lastEpoch = stats.epoch();
        if (monitor.improves(v, best, minDelta)) {
            best = v;
            bestEpoch = stats.epoch();
            epochsWithoutImprovement = 0;
        } else if (++epochsWithoutImprovement >= patience) {
            stopped = true;
        }
    }

    @Override
    public boolean stopTraining() { return stopped; }

    public boolean stopped() { return stopped; }

    /** The epoch (from 1) with the best figure so far; 0 before the first. */
    public int bestEpoch() { return bestEpoch; }

    public double best() { return best; }

    /** The last epoch seen: where training stopped when {@link #stopped()}. */
    public int lastEpoch() { return lastEpoch; }

    /** "stopped after epoch 7: validation loss did not improve for 3 epochs (best 0.2901 at epoch 4)". */
    public String describe() {
        return String.format(Locale.ROOT, "stopped after epoch %d: %s did not improve for %d epoch%s (best %.4f at epoch %d)",
                lastEpoch, monitor.label(), patience, patience == 1 ? "" : "s", best, bestEpoch);
    }
}
