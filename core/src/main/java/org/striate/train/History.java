package org.striate.train;

import java.util.List;

/** What a fit did, epoch by epoch. */
public record History(List<EpochStats> epochs) {

    public History { epochs = List.copyOf(epochs); }

    public int size() { return epochs.size(); }
    public EpochStats epoch(int i) { return epochs.get(i); }
    public EpochStats last() { return epochs.get(epochs.size() - 1); }

    public double[] trainLoss() { return epochs.stream().mapToDouble(EpochStats::trainLoss).toArray(); }
    public double[] trainAccuracy() { return epochs.stream().mapToDouble(EpochStats::trainAccuracy).toArray(); }
    public double[] validationAccuracy() { return epochs.stream().mapToDouble(EpochStats::validationAccuracy).toArray(); }
}
