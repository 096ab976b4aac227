package org.striate.lab;

import java.util.Set;
import org.striate.StriateException;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.kernels.LocalKernels;
import org.striate.kernels.PoolGeometry;
import org.striate.nn.BlurPool2d;
import org.striate.nn.Conv2d;
import org.striate.nn.Layer;
import org.striate.nn.LocallyConnected2d;
import org.striate.nn.Pool2d;
import org.striate.nn.Sequential;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * One layer of a model as the shift probes see it: a sliding window (convolution, locally connected,
 * blur pooling, pooling), an element-wise map (activations, batch norm at inference, dropout at inference), or a
 * global map (flatten, dense, global pooling) after which there is no spatial layout left to shift.
 *
 * <p>It can run the layer the usual way (zero padding) or with wrap-around padding: the input is
 * wrap-padded by the layer's own padding and the window then slides with no padding, so the layer
 * computes the same thing on a torus. Output shapes are unchanged, so the rest of the model runs as
 * built.
 */
final class ProbeStep {
    enum Kind { WINDOW, ELEMENTWISE, GLOBAL }

    /** Layers that map each value on its own (or each channel with fixed statistics at inference). */
    private static final Set<String> ELEMENTWISE = Set.of("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Dropout",
            "BatchNorm2d", "Identity", "ELU", "GELU");

    final Layer layer;
    final Kind kind;
    /** Kernel extent (dilated), stride and padding along H and W; zeros unless WINDOW. */
    final int extentH, extentW, strideH, strideW, padH, padW;
    /** Runs the window with no padding over a wrap-padded input: (padded input, batch, output buffer). */
    private final WrappedWindow wrapped;

    interface WrappedWindow { void run(Tensor padded, int batch, Tensor y); }

    private ProbeStep(Layer layer, Kind kind, int[] window, WrappedWindow wrapped) {
        this.layer = layer;
        this.kind = kind;
        this.wrapped = wrapped;
        this.extentH = window[0];
        this.extentW = window[1];
        this.strideH = window[2];
        this.strideW = window[3];
        this.padH = window[4];
        this.padW = window[5];
    }

    private static final int[] NO_WINDOW = {0, 0, 1, 1, 0, 0};

    private static int[] window(ConvGeometry g) {
        return new int[] {g.dilH() * (g.kH() - 1) + 1, g.dilW() * (g.kW() - 1) + 1, g.strideH(), g.strideW(), g.padH(), g.padW()};
    }

    /** The same window over an input larger by twice the padding, with no padding: same output size. */
    private static ConvGeometry unpadded(ConvGeometry g) {
        return new ConvGeometry(g.inC(), g.inH() + 2 * g.padH(), g.inW() + 2 * g.padW(), g.outC(), g.kH(), g.kW(),
                g.strideH(), g.strideW(), 0, 0, g.dilH(), g.dilW(), g.groups());
    }

    /** How the probes see layer {@code index} of {@code model}; {@code spatialBefore} is false once a global layer has passed. */
    static ProbeStep of(Sequential model, int index, boolean spatialBefore) {
        Layer layer = model.layer(index);
        int[] in = layer.inputShape(), out = layer.outputShape();
        if (!spatialBefore || in.length != 3 || out.length != 3) return new ProbeStep(layer, Kind.GLOBAL, NO_WINDOW, null);
        float[] params = model.params();
        int off = layer.paramOffset();
        if (layer instanceof Conv2d c) {
            ConvGeometry g = c.geometry(), u = unpadded(g);
            int bias = c.hasBias() ? off + g.weightSize() : -1;
            return new ProbeStep(layer, Kind.WINDOW, window(g), (x, n, y) ->
                    Kernels.get().conv2dForward(u, n, x.data, params, off, bias < 0 ? null : params, Math.max(0, bias), y.data));
        }
        if (layer instanceof LocallyConnected2d lc) {
            ConvGeometry g = lc.geometry(), u = unpadded(g);
            boolean bias = lc.paramCount() > lc.weightCount();
            return new ProbeStep(layer, Kind.WINDOW, window(g), (x, n, y) ->
                    LocalKernels.forward(u, n, x.data, params, off, bias ? params : null, off + lc.weightCount(), y.data));
        }
        if (layer instanceof BlurPool2d b) {
            ConvGeometry g = b.geometry(), u = unpadded(g);
            float[] w = b.filterWeights();
            return new ProbeStep(layer, Kind.WINDOW, window(g), (x, n, y) -> Kernels.get().conv2dForward(u, n, x.data, w, 0, null, 0, y.data));
        }
        if (layer instanceof Pool2d p) {
            PoolGeometry g = p.geometry();
            PoolGeometry u = new PoolGeometry(g.kind(), g.channels(), g.inH() + 2 * g.padH(), g.inW() + 2 * g.padW(), g.kH(), g.kW(),
                    g.strideH(), g.strideW(), 0, 0);
            int[] w = {g.kH(), g.kW(), g.strideH(), g.strideW(), g.padH(), g.padW()};
            return new ProbeStep(layer, Kind.WINDOW, w, (x, n, y) -> Kernels.get().pool2dForward(u, n, x.data, y.data, new int[y.size()]));
        }
        if (ELEMENTWISE.contains(layer.type()) && Shapes.equal(in, out)) return new ProbeStep(layer, Kind.ELEMENTWISE, NO_WINDOW, null);
        if (out[1] == 1 && out[2] == 1) return new ProbeStep(layer, Kind.GLOBAL, NO_WINDOW, null);
        throw new StriateException("Layer '" + layer.name() + "' (" + layer.type() + ") cannot be probed for shifts: its window is unknown. "
                + "Expected convolution, pooling, locally connected, element-wise or global layers; received output " + Shapes.str(out)
                + " from input " + Shapes.str(in) + ".");
    }

    /**
     * True when the layer maps a periodic input of size H to a periodic output of size H / stride:
     * H is a multiple of the stride and the output covers exactly one period. Only then is the
     * wrap-around version exactly equivariant to circular shifts by multiples of the stride.
     */
    boolean periodic() {
        if (kind != Kind.WINDOW) return true;
        int[] in = layer.inputShape(), out = layer.outputShape();
        return in[1] % strideH == 0 && in[2] % strideW == 0 && out[1] == in[1] / strideH && out[2] == in[2] / strideW;
    }

    /** Runs the layer at inference; the result is a copy the caller may keep. */
    Tensor forward(Tensor x, boolean circular) {
        if (!circular || kind != Kind.WINDOW || (padH == 0 && padW == 0)) return layer.forward(x, false).copy();
        Tensor y = new Tensor(Shapes.withBatch(x.batch(), layer.outputShape()));
        wrapped.run(Shifts.wrapPad(x, padH, padW), x.batch(), y);
        return y;
    }
}
