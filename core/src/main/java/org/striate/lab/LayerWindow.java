package org.striate.lab;

import java.lang.reflect.Method;
import java.util.Optional;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.PoolGeometry;
import org.striate.nn.Conv2d;
import org.striate.nn.Layer;

/**
 * The sliding window of a layer along H and W: kernel, stride, padding and dilation per axis, and
 * whether the layer is a pooling window (which keeps only argmax indices for backward, or nothing).
 *
 * <p>Layers describe their window with a public {@code geometry()} returning a {@link ConvGeometry}
 * (convolution, locally connected) or a {@link PoolGeometry} (max, min and average pooling). It is
 * read here without naming each layer class, so a new windowed layer is understood as soon as it
 * exposes its geometry.
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
        Object g = geometryOf(layer);
        if (g instanceof ConvGeometry cg) return Optional.of(of(cg));
        if (g instanceof PoolGeometry pg) return Optional.of(of(pg));
        return Optional.empty();
    }

    private static Object geometryOf(Layer layer) {
        try {
            Method m = layer.getClass().getMethod("geometry");
            return m.getParameterCount() == 0 ? m.invoke(layer) : null;
        } catch (ReflectiveOperationException | SecurityException e) {
            return null; // no geometry: not a windowed layer
        }
    }
}
