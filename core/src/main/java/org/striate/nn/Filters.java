package org.striate.nn;

import org.striate.kernels.ConvGeometry;

/**
 * A layer's spatial filters as pictures and the lab read them: the geometry of the convolution they
 * belong to, and where the weights (outC, inC/groups, kH, kW) and the bias (outC) start in the
 * model's live parameter buffer ({@code biasOffset} −1 when there is none).
 *
 * <p>{@code convolution} is true when the layer computes exactly the cross-correlation of
 * {@code geometry} with these weights (Conv2d), so that it can be written as a dense layer with
 * shared weights; a transposed convolution's filters are drawn but are not that.
 */
public record Filters(ConvGeometry geometry, float[] params, int weightOffset, int biasOffset, boolean convolution) {

    public int count() { return geometry.outC(); }
    public int channelsPerFilter() { return geometry.inPerGroup(); }
    public int weightCount() { return geometry.weightSize(); }
    public boolean hasBias() { return biasOffset >= 0; }
}
