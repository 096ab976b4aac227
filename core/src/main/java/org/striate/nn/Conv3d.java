package org.striate.nn;

import java.util.Arrays;
import java.util.Random;
import org.striate.kernels.Kernels;
import org.striate.kernels.VolumeGeometry;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Tensor;

/**
 * 3-D convolution over voxel volumes (C, D, H, W) per sample, such as MRI scans: the filter is a
 * small kD×kH×kW box slid along depth, height and width. Weights (outC, C, kD, kH, kW) then bias (outC).
 */
public class Conv3d extends Layer {
    private final int filters, kD, kH, kW;
    private int strideD = 1, strideH = 1, strideW = 1, padD = 0, padH = 0, padW = 0;
    private boolean same, bias = true;
    private VolumeGeometry g;
    private Tensor x, y, dx;

    public Conv3d(int filters, int kernel) { this(filters, kernel, kernel, kernel); }

    public Conv3d(int filters, int kD, int kH, int kW) {
        Arguments.positive("filters", filters);
        Arguments.positive("kernel_size", kD, kH, kW);
        this.filters = filters;
        this.kD = kD;
        this.kH = kH;
        this.kW = kW;
    }

    public Conv3d stride(int s) { return stride(s, s, s); }
    public Conv3d stride(int sd, int sh, int sw) {
        Arguments.positive("strides", sd, sh, sw);
        strideD = sd; strideH = sh; strideW = sw; return this;
    }

    /** Zero padding on every side, or {@link Conv2d#SAME}. */
    public Conv3d padding(int p) {
        if (p == Conv2d.SAME) { same = true; return this; }
        return padding(p, p, p);
    }
    public Conv3d padding(int pd, int ph, int pw) {
        Arguments.nonNegative("padding", pd, ph, pw);
        same = false; padD = pd; padH = ph; padW = pw; return this;
    }

    public Conv3d bias(boolean on) { bias = on; return this; }

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 4, "(C, D, H, W)", "Use Conv2d for images.");
        if (same) {
            if (kD % 2 == 0 || kH % 2 == 0 || kW % 2 == 0) {
                throw new ShapeException("Layer '" + name() + "' (Conv3d): 'same' padding needs an odd kernel, received " + kD + "x" + kH + "x" + kW + ".");
            }
            padD = (kD - 1) / 2;
            padH = (kH - 1) / 2;
            padW = (kW - 1) / 2;
        }
        g = new VolumeGeometry(in[0], in[1], in[2], in[3], filters, kD, kH, kW, strideD, strideH, strideW, padD, padH, padW);
        return new int[] {filters, g.outD(), g.outH(), g.outW()};
    }

    public VolumeGeometry geometry() { return g; }

    @Override
    public int paramCount() { return g.weightSize() + (bias ? filters : 0); }

    @Override
    public void initParams(Random rng) {
        heNormal(rng, 0, g.weightSize(), g.filterSize());
        if (bias) Arrays.fill(params, offset + g.weightSize(), offset + paramCount(), 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().conv3dForward(g, x.batch(), x.data, params, offset, bias ? params : null, offset + g.weightSize(), y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = dy.batch();
        Kernels.get().conv3dBackwardParams(g, n, x.data, dy.data, grads, offset, bias ? grads : null, offset + g.weightSize());
        dx = reuse(dx, n, inputShape);
        Kernels.get().conv3dBackwardInput(g, n, dy.data, params, offset, dx.data);
        return dx;
    }

    @Override
    public long macs() { return g.macs(); }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder("conv3d ").append(filters).append(' ').append(kD).append('x').append(kH).append('x').append(kW);
        if (strideD != 1 || strideH != 1 || strideW != 1) b.append(" stride=").append(Arguments.triple(strideD, strideH, strideW));
        if (same) b.append(" pad=same");
        else if (padD != 0 || padH != 0 || padW != 0) b.append(" pad=").append(Arguments.triple(padD, padH, padW));
        if (!bias) b.append(" bias=false");
        return b.toString();
    }
}
