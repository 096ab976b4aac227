package org.striate.nn;

import java.util.Arrays;
import java.util.Random;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Tensor;

/**
 * 1-D convolution over sequences (C, L) per sample: y[n,o,t] = b[o] + Σ_c Σ_m x[n, c, t·s − p + m·d] · w[o, c, m].
 * A sequence is an image of height 1, so this runs the 2-D kernels with a 1×K window.
 * Weights (outC, C/groups, K) then bias (outC) in the parameter buffer.
 */
public class Conv1d extends Layer {
    private final int filters, k;
    private int stride = 1, pad = 0, dilation = 1, groups = 1;
    private boolean same, bias = true;
    private ConvGeometry g;
    private Tensor x, y, dx;

    public Conv1d(int filters, int kernel) {
        Arguments.positive("filters", filters);
        Arguments.positive("kernel_size", kernel);
        this.filters = filters;
        this.k = kernel;
    }

    public Conv1d stride(int s) { Arguments.positive("strides", s); stride = s; return this; }

    /** Zero padding at both ends, or {@link Conv2d#SAME}. */
    public Conv1d padding(int p) {
        if (p == Conv2d.SAME) { same = true; return this; }
        Arguments.nonNegative("padding", p);
        same = false; pad = p; return this;
    }

    public Conv1d dilation(int d) { Arguments.positive("dilation_rate", d); dilation = d; return this; }

    public Conv1d groups(int gr) { Arguments.positive("groups", gr); groups = gr; return this; }

    public Conv1d bias(boolean on) { bias = on; return this; }

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 2, "(C, L)", "Use Conv2d for images and Conv3d for volumes.");
        if (same) {
            if (k % 2 == 0) throw new ShapeException("Layer '" + name() + "' (Conv1d): 'same' padding needs an odd kernel, received " + k + ".");
            pad = Math.toIntExact(Math.min(Integer.MAX_VALUE, (long) dilation * (k - 1) / 2));
        }
        if (in[0] % groups != 0 || filters % groups != 0) {
            throw new ShapeException("Layer '" + name() + "' (Conv1d): groups=" + groups + " must divide input channels (" + in[0]
                    + ") and filters (" + filters + ").");
        }
        g = new ConvGeometry(in[0], 1, in[1], filters, 1, k, 1, stride, 0, pad, 1, dilation, groups);
        return new int[] {filters, g.outW()};
    }

    public ConvGeometry geometry() { return g; }

    @Override
    public int paramCount() { return g.weightSize() + (bias ? filters : 0); }

    @Override
    public void initParams(Random rng) {
        heNormal(rng, 0, g.weightSize(), g.inPerGroup() * k);
        if (bias) Arrays.fill(params, offset + g.weightSize(), offset + paramCount(), 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().conv2dForward(g, x.batch(), x.data, params, offset, bias ? params : null, offset + g.weightSize(), y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = dy.batch();
        Kernels kernels = Kernels.get();
        kernels.conv2dBackwardParams(g, n, x.data, dy.data, grads, offset, bias ? grads : null, offset + g.weightSize());
        dx = reuse(dx, n, inputShape);
        kernels.conv2dBackwardInput(g, n, dy.data, params, offset, dx.data);
        return dx;
    }

    @Override
    public long macs() { return g.macs(); }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder("conv1d ").append(filters).append(' ').append(k);
        if (stride != 1) b.append(" stride=").append(stride);
        if (same) b.append(" pad=same");
        else if (pad != 0) b.append(" pad=").append(pad);
        if (dilation != 1) b.append(" dilation=").append(dilation);
        if (groups != 1) b.append(" groups=").append(groups);
        if (!bias) b.append(" bias=false");
        return b.toString();
    }
}
