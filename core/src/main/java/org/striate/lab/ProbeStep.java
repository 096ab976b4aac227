package org.striate.lab;

import org.striate.StriateException;
import org.striate.nn.Layer;
import org.striate.nn.Window;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * One layer of a model as the shift probes see it, from what the layer says of itself
 * ({@link Layer#window()}): a sliding window (convolution, locally connected, blur pooling, pooling),
 * an up-sampling (nearest or bilinear up-sampling, transposed convolution), an element-wise map
 * (activations, batch norm and dropout at inference, Add, Concat), or a global map (flatten, dense,
 * global pooling) after which there is no spatial layout left to shift.
 *
 * <p>It can run the layer the usual way (zero padding) or with wrap-around padding: the input is
 * wrap-padded by the layer's own padding and the layer then slides its window with no padding
 * ({@link Layer#forwardPrepadded}), so it computes the same thing on a torus. Output shapes are
 * unchanged, so the rest of the model runs as built.
 */
final class ProbeStep {
    enum Kind { WINDOW, UPSAMPLING, ELEMENTWISE, GLOBAL }

    final Layer layer;
    final Kind kind;
    /**
     * Along H and W: for WINDOW the kernel extent (dilated), stride and padding; for UPSAMPLING the
     * span (input cells one output reads), the factor and the cells cropped from each side of the
     * full output; extent 0, stride 1 and padding 0 otherwise.
     */
    final int extentH, extentW, strideH, strideW, padH, padW;

    private ProbeStep(Layer layer, Kind kind, Window w) {
        this.layer = layer;
        this.kind = kind;
        boolean window = kind == Kind.WINDOW || kind == Kind.UPSAMPLING;
        this.extentH = window ? w.extentH() : 0;
        this.extentW = window ? w.extentW() : 0;
        this.strideH = window ? w.strideH() : 1;
        this.strideW = window ? w.strideW() : 1;
        this.padH = window ? w.padH() : 0;
        this.padW = window ? w.padW() : 0;
    }

    /** How the probes see {@code layer}; {@code spatialBefore} is false once a global layer has passed on every path. */
    static ProbeStep of(Layer layer, boolean spatialBefore) {
        int[] in = layer.inputShape(), out = layer.outputShape();
        Window w = layer.window();
        if (!spatialBefore || in.length != 3 || out.length != 3 || w.kind() == Window.Kind.GLOBAL) return new ProbeStep(layer, Kind.GLOBAL, w);
        if (w.kind() == Window.Kind.SLIDING) return new ProbeStep(layer, Kind.WINDOW, w);
        if (w.kind() == Window.Kind.UPSAMPLING) return new ProbeStep(layer, Kind.UPSAMPLING, w);
        if (w.kind() == Window.Kind.ELEMENTWISE && in[1] == out[1] && in[2] == out[2]) return new ProbeStep(layer, Kind.ELEMENTWISE, w);
        if (out[1] == 1 && out[2] == 1) return new ProbeStep(layer, Kind.GLOBAL, w);
        String why = w.kind() == Window.Kind.ELEMENTWISE ? "it says it is element-wise but changes the map's size"
                : "its window is unknown (a layer of your own can say it by overriding Layer.window())";
        throw new StriateException("Layer '" + layer.name() + "' (" + layer.type() + ") cannot be probed for shifts: " + why
                + ". Expected convolution, pooling, locally connected, up-sampling, element-wise or global layers; received output "
                + Shapes.str(out) + " from input " + Shapes.str(in) + ".");
    }

    /**
     * True when the layer maps a periodic input to a periodic output, so that it is exactly equivariant
     * to circular shifts by whole cells of its output's grid. A window: the input size is a multiple of
     * the stride and the output covers exactly one period (H / stride). An up-sampling by f: each output
     * cell reads one input cell (span 1), none is cropped, and the output is exactly f times the input,
     * so cell p reads input cell ⌊p / f⌋ throughout (nearest up-sampling; a transposed convolution whose
     * kernel fits in its stride, with no padding). A wider span (bilinear, overlapping transposed
     * kernels) treats the ends of the map as borders, not as neighbours, and so is not periodic.
     */
    boolean periodic() {
        int[] in = layer.inputShape(), out = layer.outputShape();
        if (kind == Kind.UPSAMPLING) {
            return extentH == 1 && extentW == 1 && padH == 0 && padW == 0
                    && out[1] == (long) in[1] * strideH && out[2] == (long) in[2] * strideW;
        }
        if (kind != Kind.WINDOW) return true;
        return in[1] % strideH == 0 && in[2] % strideW == 0 && out[1] == in[1] / strideH && out[2] == in[2] / strideW;
    }

    /** Runs the layer at inference (up-sampling the usual way: it has no padding to wrap); the result is a copy the caller may keep. */
    Tensor forward(Tensor[] x, boolean circular) {
        if (!circular || kind != Kind.WINDOW || (padH == 0 && padW == 0)) return layer.forward(x, false).copy();
        return layer.forwardPrepadded(Shifts.wrapPad(x[0], padH, padW));
    }
}
