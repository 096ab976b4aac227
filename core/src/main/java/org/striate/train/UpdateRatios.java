package org.striate.train;

import java.util.ArrayList;
import java.util.List;
import org.striate.nn.Layer;
import org.striate.nn.Graph;

/**
 * The size of one optimizer step against the size of the weights, layer by layer: ‖w after − w before‖ /
 * ‖w before‖. Around 1e-3 is the usual healthy figure; far above, the rate is too high for that layer,
 * far below, it hardly learns. {@link #before()} copies the weights; {@link #after()} compares.
 */
public final class UpdateRatios {
    private final Graph model;
    private final List<Layer> layers = new ArrayList<>();
    private float[] saved;

    public UpdateRatios(Graph model) {
        this.model = model;
        for (Layer l : model.layers()) if (l.paramCount() > 0) layers.add(l);
    }

    /** Names of the layers with parameters, in the order of {@link #after()}'s figures. */
    public List<String> names() { return layers.stream().map(Layer::name).toList(); }

    /** Copies the weights; call before the step to measure. */
    public void before() {
        float[] p = model.params();
        if (saved == null || saved.length != p.length) saved = new float[p.length];
        System.arraycopy(p, 0, saved, 0, p.length);
    }

    /** Whether {@link #before()} was called since the last {@link #after()}. */
    public boolean armed() { return saved != null; }

    /** Per layer, ‖Δw‖ / ‖w before‖ since {@link #before()} (0 for all-zero weights that stayed zero). */
    public double[] after() {
        float[] p = model.params();
        double[] r = new double[layers.size()];
        for (int i = 0; i < r.length; i++) {
            Layer l = layers.get(i);
            double dd = 0, ww = 0;
            for (int j = l.paramOffset(), end = j + l.paramCount(); j < end; j++) {
                double d = p[j] - saved[j];
                dd += d * d;
                ww += (double) saved[j] * saved[j];
            }
            r[i] = ww > 0 ? Math.sqrt(dd / ww) : (dd > 0 ? Double.POSITIVE_INFINITY : 0);
        }
        saved = null;
        return r;
    }
}
