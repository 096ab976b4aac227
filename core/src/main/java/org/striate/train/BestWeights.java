package org.striate.train;

import org.striate.StriateException;
import org.striate.nn.Layer;
import org.striate.nn.Graph;

/**
 * Keeps a copy of the weights (and the layers' saved state, such as BatchNorm's running statistics)
 * of the epoch with the best watched validation figure; {@link #restore()} puts them back after the
 * fit, so the model ends as it was at that epoch rather than at the last one.
 */
public final class BestWeights implements TrainingListener {
    private final Graph model;
    private final Monitor monitor;
    private float[] params;
    private float[][] states;
    private double best = Double.NaN;
    private int bestEpoch;

    public BestWeights(Graph model, Monitor monitor) {
        if (model == null || monitor == null) throw new StriateException("Invalid best-weights keeper: expected a model and a figure to watch.");
        this.model = model;
        this.monitor = monitor;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        best = Double.NaN;
        bestEpoch = 0;
    }

    @Override
    public void onEpoch(EpochStats stats) {
        double v = monitor.value(stats);
        if (!monitor.improves(v, best, 0)) return;
        best = v;
        bestEpoch = stats.epoch();
        float[] p = model.params();
        if (params == null || params.length != p.length) params = new float[p.length];
        System.arraycopy(p, 0, params, 0, p.length);
        var layers = model.layers();
        states = new float[layers.size()][];
        for (int i = 0; i < states.length; i++) states[i] = layers.get(i).state().clone();
    }

    /** The epoch (from 1) whose weights are kept; 0 when none was seen. */
    public int bestEpoch() { return bestEpoch; }

    public double best() { return best; }

    public Monitor monitor() { return monitor; }

    /** Copies the kept weights and state back into the model; a StriateException when no epoch was seen. */
    public void restore() {
        if (params == null) throw new StriateException("No epoch finished, so there are no best weights to restore.");
        System.arraycopy(params, 0, model.params(), 0, params.length);
        var layers = model.layers();
        for (int i = 0; i < states.length; i++) {
            Layer layer = layers.get(i);
            if (states[i].length > 0) layer.loadState(states[i]);
        }
    }
}
