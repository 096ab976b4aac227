package org.striate.nn;

import org.striate.StriateException;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Anti-aliased downsampling (Zhang, "Making Convolutional Networks Shift-Invariant Again", 2019):
 * each channel is low-pass filtered with a fixed binomial kernel, then subsampled by the stride.
 * Plain subsampling (a stride-2 convolution or pooling) aliases: a one-pixel shift of the input can
 * change the output a lot. Blurring first removes the frequencies that alias, so the output changes
 * smoothly with the shift. Put it after a stride-1 max pool ("maxpool 2 stride=1" then "blurpool")
 * for MaxBlurPool, or use it in place of a strided pooling.
 *
 * <p>The filter is the outer product of a binomial row ([1,2,1] for size 3, [1,4,6,4,1] for 5)
 * normalised to sum 1, applied depthwise with zero padding (size − 1) / 2. It has no trainable
 * parameters; forward and backward are the depthwise convolution kernels with these fixed weights.
 */
public class BlurPool2d extends Layer {
    public static final int MAX_SIZE = 7;

    private final int stride, size;
    private ConvGeometry g;
    private float[] weights;
    private Tensor y, dx;

    /** Stride 2, 3×3 binomial filter [1,2,1]⊗[1,2,1]/16. */
    public BlurPool2d() { this(2, 3); }

    public BlurPool2d(int stride, int size) {
        if (stride <= 0) throw new StriateException("Invalid value for argument `stride`. Expected a strictly positive value. Received stride=" + stride + ".");
        if (size < 1 || size > MAX_SIZE) {
            throw new StriateException("Invalid value for argument `size`. Expected a filter size from 1 to " + MAX_SIZE + ". Received size=" + size + ".");
        }
        this.stride = stride;
        this.size = size;
    }

    /** Reads "blurpool [stride=2] [size=3]". */
    static BlurPool2d fromSpec(LayerSpecs.Line l) {
        l.expectArgs(0, 0, "'blurpool [stride=S] [size=K]' with options only");
        return new BlurPool2d(l.intOption("stride", 2, false), l.intOption("size", 3, false));
    }

    public int stride() { return stride; }
    public int size() { return size; }

    /** The binomial row of length {@code size}, normalised to sum 1: C(size−1, i) / 2^(size−1). */
    public static float[] binomialRow(int size) {
        double[] row = new double[size];
        row[0] = 1;
        for (int n = 1; n < size; n++) {
            for (int i = n; i > 0; i--) row[i] += row[i - 1];
        }
        float[] out = new float[size];
        double total = Math.pow(2, size - 1);
        for (int i = 0; i < size; i++) out[i] = (float) (row[i] / total);
        return out;
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        if (in.length != 3) {
            throw new ShapeException("Layer '" + name() + "' (BlurPool2d) expects input of shape (C, H, W) per sample but received "
                    + Shapes.str(in) + ".");
        }
        int pad = (size - 1) / 2;
        g = new ConvGeometry(in[0], in[1], in[2], in[0], size, size, stride, stride, pad, pad, 1, 1, in[0]);
        float[] row = binomialRow(size);
        weights = new float[in[0] * size * size];
        for (int c = 0; c < in[0]; c++) {
            for (int l = 0; l < size; l++) {
                for (int m = 0; m < size; m++) weights[(c * size + l) * size + m] = row[l] * row[m];
            }
        }
        return new int[] {in[0], g.outH(), g.outW()};
    }

    /** The depthwise convolution this layer runs (groups = channels); known once built. */
    public ConvGeometry geometry() { return g; }

    /** The fixed filter, one copy per channel, laid out as convolution weights (C, 1, size, size). */
    public float[] filterWeights() { return weights.clone(); }

    // x is (N, C, H, W); y is (N, C, ⌊(H + 2p − size) / stride⌋ + 1, ...)
    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().conv2dForward(g, x.batch(), x.data, weights, 0, null, 0, y.data);
        return y;
    }

    // the filter is fixed: only the input gradient, the transposed depthwise convolution of dy
    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().conv2dBackwardInput(g, dy.batch(), dy.data, weights, 0, dx.data);
        return dx;
    }

    @Override
    public long macs() { return g.macs(); }

    /** A depthwise window of size×size at the stride; with stride 1 it still blurs, so it is never element-wise. */
    @Override
    public Window window() { return Window.sliding(size, size, stride, stride, g.padH(), g.padW(), 1, 1); }

    /** No parameters but, as a window that moves values, nothing kept for backward. */
    @Override
    public long backwardBytesPerSample() { return 0; }

    @Override
    public Tensor forwardPrepadded(Tensor padded) {
        Tensor out = new Tensor(Shapes.withBatch(padded.batch(), outputShape));
        Kernels.get().conv2dForward(Conv2d.unpadded(g), padded.batch(), padded.data, weights, 0, null, 0, out.data);
        return out;
    }

    /** ONNX Conv with the fixed binomial filter, one group per channel, no bias. */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        int c = inputShape[0], p = g.padH();
        String w = out.floats(name() + ".filter", weights, 0, c, 1, size, size);
        return out.node("Conv", name(), new String[] {in[0], w}, "kernel_shape", new int[] {size, size}, "strides", new int[] {stride, stride},
                "pads", new int[] {p, p, p, p}, "group", c);
    }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder("blurpool");
        if (stride != 2) b.append(" stride=").append(stride);
        if (size != 3) b.append(" size=").append(size);
        return b.toString();
    }
}
