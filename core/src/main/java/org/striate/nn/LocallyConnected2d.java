package org.striate.nn;

import java.util.Arrays;
import java.util.Random;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * A convolution without parameter sharing: the same local receptive field (kernel, stride, padding
 * as in {@link Conv2d}), but every output position has its own filter and bias. For data where
 * position matters (a face always centred, a fixed sensor layout) it can learn a different detector
 * in each place, at the price of outH·outW times the parameters of the convolution.
 * Weights (outC, outH, outW, C, kH, kW) then bias (outC, outH, outW) in the parameter buffer.
 */
public class LocallyConnected2d extends Layer {
    private final int filters, kH, kW;
    private int strideH = 1, strideW = 1, padH = 0, padW = 0;
    private boolean same, bias = true;
    private ConvGeometry g;
    private Tensor x, y, dx;

    public LocallyConnected2d(int filters, int kernel) { this(filters, kernel, kernel); }

    public LocallyConnected2d(int filters, int kH, int kW) {
        Arguments.positive("filters", filters);
        Arguments.positive("kernel_size", kH, kW);
        this.filters = filters;
        this.kH = kH;
        this.kW = kW;
    }

    public LocallyConnected2d stride(int s) { return stride(s, s); }
    public LocallyConnected2d stride(int sh, int sw) {
        Arguments.positive("strides", sh, sw);
        strideH = sh; strideW = sw; return this;
    }

    /** Zero padding on every side, or {@link Conv2d#SAME}. */
    public LocallyConnected2d padding(int p) {
        if (p == Conv2d.SAME) { same = true; return this; }
        return padding(p, p);
    }
    public LocallyConnected2d padding(int ph, int pw) {
        Arguments.nonNegative("padding", ph, pw);
        same = false; padH = ph; padW = pw; return this;
    }

    public LocallyConnected2d bias(boolean on) { bias = on; return this; }

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 3, "(C, H, W)", "");
        if (same) {
            if (kH % 2 == 0 || kW % 2 == 0) {
                throw new ShapeException("Layer '" + name() + "' (LocallyConnected2d): 'same' padding needs an odd kernel, received " + kH + "x" + kW + ".");
            }
            padH = (kH - 1) / 2;
            padW = (kW - 1) / 2;
        }
        g = new ConvGeometry(in[0], in[1], in[2], filters, kH, kW, strideH, strideW, padH, padW, 1, 1, 1);
        long weights = (long) g.outSize() * g.inC() * kH * kW + g.outSize();
        if (g.outH() > 0 && g.outW() > 0 && weights > Integer.MAX_VALUE - 8) {
            throw new ShapeException("Layer '" + name() + "' (LocallyConnected2d) would need " + weights + " parameters for input "
                    + org.striate.tensor.Shapes.str(in) + ", more than one buffer holds (2^31). Use fewer filters, a larger stride or a smaller input.");
        }
        return new int[] {filters, g.outH(), g.outW()};
    }

    public ConvGeometry geometry() { return g; }

    /** One filter of C·kH·kW weights per output cell. */
    public int weightCount() { return g.outSize() * g.inC() * kH * kW; }

    @Override
    public int paramCount() { return weightCount() + (bias ? g.outSize() : 0); }

    @Override
    public void initParams(Random rng) {
        heNormal(rng, 0, weightCount(), g.inC() * kH * kW);
        if (bias) Arrays.fill(params, offset + weightCount(), offset + paramCount(), 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().localForward(g, x.batch(), x.data, params, offset, bias ? params : null, offset + weightCount(), y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = dy.batch();
        Kernels.get().localBackwardParams(g, n, x.data, dy.data, grads, offset, bias ? grads : null, offset + weightCount());
        dx = reuse(dx, n, inputShape);
        Kernels.get().localBackwardInput(g, n, dy.data, params, offset, dx.data);
        return dx;
    }

    /** As many multiply-adds as the convolution of the same geometry: only the sharing differs. */
    @Override
    public long macs() { return g.macs(); }

    @Override
    public Window window() { return Window.sliding(kH, kW, strideH, strideW, g.padH(), g.padW(), 1, 1); }

    @Override
    public Tensor forwardPrepadded(Tensor padded) {
        Tensor out = new Tensor(Shapes.withBatch(padded.batch(), outputShape));
        Kernels.get().localForward(Conv2d.unpadded(g), padded.batch(), padded.data, params, offset, bias ? params : null, offset + weightCount(), out.data);
        return out;
    }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder("lc ").append(filters).append(' ').append(kH).append('x').append(kW);
        if (strideH != 1 || strideW != 1) b.append(" stride=").append(Arguments.pair(strideH, strideW));
        if (same) b.append(" pad=same");
        else if (padH != 0 || padW != 0) b.append(" pad=").append(Arguments.pair(padH, padW));
        if (!bias) b.append(" bias=false");
        return b.toString();
    }
}
