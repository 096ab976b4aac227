package org.striate.lab;

import java.util.Set;
import org.striate.StriateException;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.nn.BlurPool2d;
import org.striate.nn.Conv2d;
import org.striate.nn.Layer;
import org.striate.nn.Sequential;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * One layer of a model as the shift probes see it: a sliding window (convolution, blur pooling,
 * pooling), an element-wise map (activations, batch norm at inference, dropout at inference), or a
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
    private final ConvGeometry conv;
    private final float[] weights;
    private final int weightOffset, biasOffset;

    private ProbeStep(Layer layer, Kind kind, ConvGeometry conv, float[] weights, int weightOffset, int biasOffset) {
        this.layer = layer;
        this.kind = kind;
        this.conv = conv;
        this.weights = weights;
        this.weightOffset = weightOffset;
        this.biasOffset = biasOffset;
        this.extentH = conv == null ? 0 : conv.dilH() * (conv.kH() - 1) + 1;
        this.extentW = conv == null ? 0 : conv.dilW() * (conv.kW() - 1) + 1;
        this.strideH = conv == null ? 1 : conv.strideH();
        this.strideW = conv == null ? 1 : conv.strideW();
        this.padH = conv == null ? 0 : conv.padH();
        this.padW = conv == null ? 0 : conv.padW();
    }

    /** How the probes see layer {@code index} of {@code model}; {@code spatialBefore} is false once a global layer has passed. */
    static ProbeStep of(Sequential model, int index, boolean spatialBefore) {
        Layer layer = model.layer(index);
        int[] in = layer.inputShape(), out = layer.outputShape();
        if (!spatialBefore || in.length != 3 || out.length != 3) return new ProbeStep(layer, Kind.GLOBAL, null, null, 0, 0);
        if (layer instanceof Conv2d c) {
            ConvGeometry g = c.geometry();
            int off = layer.paramOffset();
            return new ProbeStep(layer, Kind.WINDOW, g, model.params(), off, c.hasBias() ? off + g.weightSize() : -1);
        }
        if (layer instanceof BlurPool2d b) return new ProbeStep(layer, Kind.WINDOW, b.geometry(), b.filterWeights(), 0, -1);
        if (ELEMENTWISE.contains(layer.type()) && Shapes.equal(in, out)) return new ProbeStep(layer, Kind.ELEMENTWISE, null, null, 0, 0);
        if (out[1] == 1 && out[2] == 1) return new ProbeStep(layer, Kind.GLOBAL, null, null, 0, 0);
        throw new StriateException("Layer '" + layer.name() + "' (" + layer.type() + ") cannot be probed for shifts: its window is unknown. "
                + "Expected convolution, blur pooling, element-wise or global layers; received output " + Shapes.str(out)
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
        Tensor padded = Shifts.wrapPad(x, padH, padW);
        ConvGeometry g = new ConvGeometry(conv.inC(), conv.inH() + 2 * padH, conv.inW() + 2 * padW, conv.outC(), conv.kH(), conv.kW(),
                conv.strideH(), conv.strideW(), 0, 0, conv.dilH(), conv.dilW(), conv.groups());
        Tensor y = new Tensor(Shapes.withBatch(x.batch(), layer.outputShape()));
        Kernels.get().conv2dForward(g, x.batch(), padded.data, weights, weightOffset, biasOffset < 0 ? null : weights, Math.max(0, biasOffset), y.data);
        return y;
    }
}
