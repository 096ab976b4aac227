package org.striate.train;

import java.util.ArrayList;
import java.util.List;

/** Several listeners as one: each hears every call, in the order given; training stops when any asks. */
public final class Listeners implements TrainingListener {
    private final List<TrainingListener> all;

    private Listeners(List<TrainingListener> all) { this.all = all; }

    /** The listeners that are not null, as one. */
    public static TrainingListener of(TrainingListener... listeners) {
        List<TrainingListener> l = new ArrayList<>();
        for (TrainingListener t : listeners) if (t != null) l.add(t);
        return l.size() == 1 ? l.get(0) : new Listeners(List.copyOf(l));
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) { for (TrainingListener l : all) l.onTrainBegin(epochs, stepsPerEpoch, samples); }

    @Override
    public void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
        for (TrainingListener l : all) l.onBatch(epoch, step, steps, loss, accuracy, imagesPerSecond);
    }

    @Override
    public void onValidation(int epoch, Evaluation validation) { for (TrainingListener l : all) l.onValidation(epoch, validation); }

    @Override
    public void onEpoch(EpochStats stats) { for (TrainingListener l : all) l.onEpoch(stats); }

    @Override
    public boolean stopTraining() {
        boolean stop = false;
        for (TrainingListener l : all) stop |= l.stopTraining();
        return stop;
    }
}
