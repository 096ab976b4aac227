package org.striate.nn;

import java.util.Random;
import org.striate.StriateException;
import org.striate.kernels.ChannelKernels;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Transposed convolution (PyTorch's ConvTranspose2d, ONNX's ConvTranspose): the adjoint of a Conv2d
 * with the same weights, so it maps each input cell to a kernel-sized patch of a larger output — the
 * learned up-sampling of decoders. Output size per axis: (in − 1)·s − 2p + d·(k − 1) + output_pad + 1.
 * Weights (inC, outC/groups, kH, kW) then bias (outC), as in PyTorch.
 *
 * <p>Written in terms of {@code conv}, the Conv2d that maps this layer's output shape back to its
 * input shape with the same weights: forward is conv's input gradient, backward's input gradient is
 * conv's forward, and the weight gradient is conv's with the roles of x and dy swapped.
 */
public class ConvTranspose2d extends Layer {
    private final int filters, kH, kW;
    private int strideH = 1, strideW = 1, padH, padW, outPadH, outPadW, dilH = 1, dilW = 1, groups = 1;
    private boolean bias = true;
    private ConvGeometry conv;
    private Tensor x, y, dx;

    public ConvTranspose2d(int filters, int kernel) { this(filters, kernel, kernel); }

    public ConvTranspose2d(int filters, int kH, int kW) {
        Arguments.positive("filters", filters);
        Arguments.positive("kernel", kH, kW);
        this.filters = filters;
        this.kH = kH;
        this.kW = kW;
    }

    public ConvTranspose2d stride(int s) { return stride(s, s); }
    public ConvTranspose2d stride(int sh, int sw) { Arguments.positive("stride", sh, sw); strideH = sh; strideW = sw; return this; }
    public ConvTranspose2d padding(int p) { return padding(p, p); }
    public ConvTranspose2d padding(int ph, int pw) { Arguments.nonNegative("padding", ph, pw); padH = ph; padW = pw; return this; }
    public ConvTranspose2d outputPadding(int p) { return outputPadding(p, p); }
    public ConvTranspose2d outputPadding(int ph, int pw) { Arguments.nonNegative("output_pad", ph, pw); outPadH = ph; outPadW = pw; return this; }
    public ConvTranspose2d dilation(int d) { return dilation(d, d); }
    public ConvTranspose2d dilation(int dh, int dw) { Arguments.positive("dilation", dh, dw); dilH = dh; dilW = dw; return this; }
    public ConvTranspose2d groups(int g) { groups = Arguments.positive("groups", g); return this; }
    public ConvTranspose2d bias(boolean on) { bias = on; return this; }

    /** Reads "convtranspose FILTERS KxK [stride=] [pad=] [output_pad=] [dilation=] [groups=] [bias=]". */
    static ConvTranspose2d fromSpec(LayerSpecs.Line l) {
        l.expectArgs(2, 2, "'convtranspose FILTERS KxK [stride=S] [pad=P] [output_pad=P] [dilation=D] [groups=G] [bias=false]'");
        int[] k = l.pairArg(1, "kernel");
        ConvTranspose2d c = new ConvTranspose2d(l.intArg(0, "filters"), k[0], k[1]);
        int[] s = l.pairOption("stride", new int[] {1, 1}, false);
        int[] p = l.pairOption("pad", new int[] {0, 0}, true);
        int[] op = l.pairOption("output_pad", new int[] {0, 0}, true);
        int[] d = l.pairOption("dilation", new int[] {1, 1}, false);
        return c.stride(s[0], s[1]).padding(p[0], p[1]).outputPadding(op[0], op[1]).dilation(d[0], d[1])
                .groups(l.intOption("groups", 1, false)).bias(l.boolOption("bias", true));
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 3, "(C, H, W)", "");
        if (outPadH >= strideH || outPadW >= strideW) {
            throw new ShapeException("Layer '" + name() + "' (ConvTranspose2d): output_pad=" + Arguments.pair(outPadH, outPadW)
                    + " must be smaller than the stride (" + Arguments.pair(strideH, strideW) + ").");
        }
        if (in[0] % groups != 0 || filters % groups != 0) {
            throw new ShapeException("Layer '" + name() + "' (ConvTranspose2d): groups=" + groups + " must divide input channels (" + in[0]
                    + ") and filters (" + filters + ").");
        }
        long outH = outSize(in[1], kH, strideH, padH, dilH, outPadH), outW = outSize(in[2], kW, strideW, padW, dilW, outPadW);
        if (outH <= 0 || outW <= 0 || (long) filters * outH * outW > Integer.MAX_VALUE) {
            throw new ShapeException("Layer '" + name() + "' (ConvTranspose2d) cannot take input of shape " + Shapes.str(in)
                    + ": its output would be " + filters + "x" + outH + "x" + outW + ". Use less padding or a smaller stride.");
        }
        conv = new ConvGeometry(filters, (int) outH, (int) outW, in[0], kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        return new int[] {filters, (int) outH, (int) outW};
    }

    private static long outSize(int in, int k, int s, int p, int d, int op) { return (long) (in - 1) * s - 2L * p + (long) d * (k - 1) + op + 1; }

    /** The convolution this layer is the transpose of (its input is this layer's output). */
    public ConvGeometry convGeometry() { return conv; }

    @Override
    public int paramCount() { return conv.weightSize() + (bias ? filters : 0); }

    /** He initialisation over the fan-in each output cell sees: inC/groups · kH·kW / (stride area). */
    @Override
    public void initParams(Random rng) {
        int fanIn = Math.max(1, conv.outPerGroup() * kH * kW / (strideH * strideW));
        heNormal(rng, 0, conv.weightSize(), fanIn);
        if (bias) java.util.Arrays.fill(params, offset + conv.weightSize(), offset + paramCount(), 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        int n = x.batch();
        y = reuse(y, n, outputShape);
        Kernels.get().conv2dBackwardInput(conv, n, x.data, params, offset, y.data);
        if (bias) ChannelKernels.addBias(n, filters, outputShape[1] * outputShape[2], params, offset + conv.weightSize(), y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = dy.batch();
        Kernels k = Kernels.get();
        k.conv2dBackwardParams(conv, n, dy.data, x.data, grads, offset, null, 0);
        if (bias) ChannelKernels.sumPerChannel(n, filters, outputShape[1] * outputShape[2], dy.data, grads, offset + conv.weightSize());
        if (!inputGradientNeeded()) return null;
        dx = reuse(dx, n, inputShape);
        k.conv2dForward(conv, n, dy.data, params, offset, null, 0, dx.data);
        return dx;
    }

    @Override
    public long macs() { return conv.macs(); }

    /**
     * Each output cell reads at most ⌊d·(k − 1)/s⌋ + 1 input cells per axis; cells are 1/s input cells
     * apart; the padding is cropped from the full output (output padding only adds cells at the end).
     */
    @Override
    public Window window() {
        return Window.upsampling(dilH * (kH - 1) / strideH + 1, dilW * (kW - 1) / strideW + 1, strideH, strideW, padH, padW);
    }

    @Override
    public Filters filters() {
        return new Filters(conv, params, offset, bias ? offset + conv.weightSize() : -1, false);
    }

    /** ONNX ConvTranspose: weights (C, outC/groups, kH, kW) as in PyTorch, output padding at the end. */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        String w = out.floats(name() + ".weight", params, offset, inputShape[0], filters / groups, kH, kW);
        String[] inputs = bias ? new String[] {in[0], w, out.floats(name() + ".bias", params, offset + conv.weightSize(), filters)} : new String[] {in[0], w};
        return out.node("ConvTranspose", name(), inputs, "kernel_shape", new int[] {kH, kW}, "strides", new int[] {strideH, strideW},
                "pads", new int[] {padH, padW, padH, padW}, "dilations", new int[] {dilH, dilW}, "group", groups,
                "output_padding", new int[] {outPadH, outPadW});
    }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder("convtranspose ").append(filters).append(' ').append(kH).append('x').append(kW);
        if (strideH != 1 || strideW != 1) b.append(" stride=").append(Arguments.pair(strideH, strideW));
        if (padH != 0 || padW != 0) b.append(" pad=").append(Arguments.pair(padH, padW));
        if (outPadH != 0 || outPadW != 0) b.append(" output_pad=").append(Arguments.pair(outPadH, outPadW));
        if (dilH != 1 || dilW != 1) b.append(" dilation=").append(Arguments.pair(dilH, dilW));
        if (groups != 1) b.append(" groups=").append(groups);
        if (!bias) b.append(" bias=false");
        return b.toString();
    }
}
