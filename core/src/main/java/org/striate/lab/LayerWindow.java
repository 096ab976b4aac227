package org.striate.lab;

import java.util.Optional;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.PoolGeometry;
import org.striate.nn.Conv2d;
import org.striate.nn.Layer;
import org.striate.nn.LocallyConnected2d;
import org.striate.nn.Pool2d;

/**
 * The sliding window of a layer along H and W: kernel, stride, padding and dilation per axis, and
 * whether the layer is a pooling window (which keeps only argmax indices for backward, or nothing).
 * Conv2d and LocallyConnected2d describe theirs with a {@link ConvGeometry}, max, min and average
 * pooling with a {@link PoolGeometry}.
 */
public record LayerWindow(int kH, int kW, int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                          PoolGeometry.Kind pooling) {

    /** Effective kernel extent along H: d·(k − 1) + 1. */
    public int extentH() { return dilH * (kH - 1) + 1; }
    public int extentW() { return dilW * (kW - 1) + 1; }
    public boolean isPooling() { return pooling != null; }

    public static LayerWindow of(ConvGeometry g) {
        return new LayerWindow(g.kH(), g.kW(), g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilH(), g.dilW(), null);
    }

    public static LayerWindow of(PoolGeometry g) {
        return new LayerWindow(g.kH(), g.kW(), g.strideH(), g.strideW(), g.padH(), g.padW(), 1, 1, g.kind());
    }

    /** The window of a built layer, or empty when the layer does not slide a window over H and W. */
    public static Optional<LayerWindow> of(Layer layer) {
        if (layer instanceof Conv2d c) return Optional.of(of(c.geometry()));
        if (layer instanceof LocallyConnected2d lc) return Optional.of(of(lc.geometry()));
        if (layer instanceof Pool2d p) return Optional.of(of(p.geometry()));
        return Optional.empty();
    }
}
