package org.striate.nn;

import java.util.Arrays;
import java.util.Random;
import org.striate.StriateException;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in the seed notes):
 * y[n,o,i,j] = b[o] + Σ_c Σ_l Σ_m x[n, c, i·s − p + l·d, j·s − p + m·d] · w[o, c, l, m].
 * Input (N, C, H, W); weights (outC, C/groups, kH, kW) then bias (outC), in the parameter buffer.
 * A 1×1 kernel changes the channel count; groups = C gives a depthwise convolution.
 */
public class Conv2d extends Layer {
    /** Padding value meaning 'same': P = (M − 1) / 2 for odd M, which keeps H and W at stride 1. */
    public static final int SAME = -1;

    private final int filters, kH, kW;
    private int strideH = 1, strideW = 1, padH = 0, padW = 0, dilH = 1, dilW = 1, groups = 1;
    private boolean same, bias = true;
    private ConvGeometry g;
    /**
     * {@link #unpadded}(g), made once: the kernels keep per-geometry state (laid-out weights), so a
     * new geometry object on every shifted-input call would make them lay the weights out again each time.
     */
    private ConvGeometry prepadded;
    private Tensor x, y, dx;
    /**
     * Inference with a BatchNorm folded in: the scaled weights then biases, and the BatchNorm's scale and
     * shift; with fixed weights, also the scale and shift {@code folded} was made from.
     */
    private float[] folded, foldScale, foldShift, foldedScale, foldedShift;

    public Conv2d(int filters, int kernel) { this(filters, kernel, kernel); }

    public Conv2d(int filters, int kH, int kW) {
        if (filters <= 0) throw new StriateException("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=" + filters + ".");
        if (kH <= 0 || kW <= 0) throw new StriateException("Invalid value for argument `kernel`. Expected strictly positive sizes. Received kernel=" + kH + "x" + kW + ".");
        this.filters = filters;
        this.kH = kH;
        this.kW = kW;
    }

    public Conv2d stride(int s) { return stride(s, s); }
    public Conv2d stride(int sh, int sw) {
        if (sh <= 0 || sw <= 0) throw new StriateException("Invalid value for argument `stride`. Expected a strictly positive value. Received stride=" + sh + "x" + sw + ".");
        strideH = sh; strideW = sw; return this;
    }

    /** Zero padding on every side, or {@link #SAME}. */
    public Conv2d padding(int p) {
        if (p == SAME) { same = true; return this; }
        return padding(p, p);
    }
    public Conv2d padding(int ph, int pw) {
        if (ph < 0 || pw < 0) throw new StriateException("Invalid value for argument `padding`. Expected >= 0 or 'same'. Received padding=" + ph + "x" + pw + ".");
        same = false; padH = ph; padW = pw; return this;
    }

    public Conv2d dilation(int d) { return dilation(d, d); }
    public Conv2d dilation(int dh, int dw) {
        if (dh <= 0 || dw <= 0) throw new StriateException("Invalid value for argument `dilation`. Expected a strictly positive value. Received dilation=" + dh + "x" + dw + ".");
        dilH = dh; dilW = dw; return this;
    }

    public Conv2d groups(int gr) {
        if (gr <= 0) throw new StriateException("Invalid value for argument `groups`. Expected a strictly positive value. Received groups=" + gr + ".");
        groups = gr; return this;
    }

    public Conv2d bias(boolean on) { bias = on; return this; }

    @Override
    protected int[] computeOutputShape(int[] in) {
        if (in.length != 3) {
            throw new ShapeException("Layer '" + name() + "' (Conv2d) expects input of shape (C, H, W) per sample but received "
                    + Shapes.str(in) + ". Add a Reshape, or use Conv1d/Conv3d.");
        }
        if (same) {
            if (kH % 2 == 0 || kW % 2 == 0) {
                throw new ShapeException("Layer '" + name() + "' (Conv2d): 'same' padding needs an odd kernel, received " + kH + "x" + kW + ".");
            }
            padH = Math.toIntExact(Math.min(Integer.MAX_VALUE, (long) dilH * (kH - 1) / 2));
            padW = Math.toIntExact(Math.min(Integer.MAX_VALUE, (long) dilW * (kW - 1) / 2));
        }
        if (in[0] % groups != 0 || filters % groups != 0) {
            throw new ShapeException("Layer '" + name() + "' (Conv2d): groups=" + groups + " must divide input channels (" + in[0]
                    + ") and filters (" + filters + ").");
        }
        g = new ConvGeometry(in[0], in[1], in[2], filters, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        prepadded = unpadded(g);
        return new int[] {filters, g.outH(), g.outW()};
    }

    public ConvGeometry geometry() { return g; }
    public boolean hasBias() { return bias; }
    public int weightCount() { return g.weightSize(); }

    @Override
    public int paramCount() { return g.weightSize() + (bias ? filters : 0); }

    @Override
    public void initParams(Random rng) {
        heNormal(rng, 0, g.weightSize(), g.inPerGroup() * kH * kW);
        if (bias) java.util.Arrays.fill(params, offset + g.weightSize(), offset + paramCount(), 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().conv2dForward(g, x.batch(), x.data, params, offset, bias ? params : null, offset + g.weightSize(), y.data);
        return y;
    }

    /** ReLU(forward(x)) in one pass. */
    Tensor forwardRelu(Tensor x) {
        checkInput(x);
        this.x = x;
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().conv2dForwardRelu(g, x.batch(), x.data, params, offset, bias ? params : null, offset + g.weightSize(), y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = dy.batch();
        Kernels k = Kernels.get();
        k.conv2dBackwardParams(g, n, x.data, dy.data, grads, offset, bias ? grads : null, offset + g.weightSize());
        if (!inputGradientNeeded()) return null;
        dx = reuse(dx, n, inputShape);
        k.conv2dBackwardInput(g, n, dy.data, params, offset, dx.data);
        return dx;
    }

    @Override
    public long macs() { return g.macs(); }

    @Override
    public Window window() { return Window.sliding(kH, kW, g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilH(), g.dilW()); }

    @Override
    public Filters filters() { return new Filters(g, params, offset, bias ? offset + g.weightSize() : -1, true); }

    /** The same window over an input larger by twice the padding, with no padding of its own. */
    static ConvGeometry unpadded(ConvGeometry g) {
        return new ConvGeometry(g.inC(), g.inH() + 2 * g.padH(), g.inW() + 2 * g.padW(), g.outC(), g.kH(), g.kW(),
                g.strideH(), g.strideW(), 0, 0, g.dilH(), g.dilW(), g.groups());
    }

    @Override
    public Tensor forwardPrepadded(Tensor padded) {
        Tensor out = new Tensor(Shapes.withBatch(padded.batch(), outputShape));
        Kernels.get().conv2dForward(prepadded, padded.batch(), padded.data, params, offset, bias ? params : null, offset + g.weightSize(), out.data);
        return out;
    }

    /**
     * Conv2d → ReLU runs as one pass; Conv2d → BatchNorm2d too at inference, with the normalisation
     * folded into the weights (this package's own layers only: a subclass may change either).
     */
    @Override
    public boolean fusesForwardWith(Layer next) {
        return getClass() == Conv2d.class && (next.getClass() == ReLU.class || next.getClass() == BatchNorm2d.class);
    }

    @Override
    public Tensor forwardFused(Layer next, Tensor x, boolean training) {
        if (next instanceof ReLU relu) return relu.passThrough(forwardRelu(x));
        BatchNorm2d norm = (BatchNorm2d) next;
        if (training) return norm.forward(forward(x, true), true); // batch statistics: nothing to fold
        return forwardFolded(norm, x, false);
    }

    /**
     * Three in one pass: Conv2d → ReLU → max pool (the full-size output never reaches memory a batch at
     * a time; training keeps each window's winner, for a 2×2 pool in the same pass, for other windows
     * by the pool's own training pass after it), and Conv2d → BatchNorm2d → ReLU at inference (folded,
     * then rectified as written; training runs the convolution, then the normalisation and the ReLU as
     * one pass, as the batch statistics need the convolution's whole output).
     */
    @Override
    public boolean fusesForwardWith(Layer next, Layer after) {
        if (!fusesForwardWith(next)) return false;
        if (next.getClass() == ReLU.class) return after.getClass() == MaxPool2d.class;
        return after.getClass() == ReLU.class;
    }

    @Override
    public Tensor forwardFused(Layer next, Layer after, Tensor x, boolean training) {
        if (training && !(next instanceof ReLU)) return ((BatchNorm2d) next).forwardRectified((ReLU) after, forward(x, true), true);
        checkInput(x);
        this.x = x;
        if (next instanceof ReLU relu) {
            Pool2d pool = (Pool2d) after;
            if (training && !pool.halvesByMax()) return pool.forward(relu.passThrough(forwardRelu(x)), true);
            Tensor out = pool.outputFor(x.batch());
            float[] b = bias ? params : null;
            int bOff = offset + g.weightSize();
            if (training) Kernels.get().conv2dForwardReluMaxPoolArg(g, x.batch(), x.data, params, offset, b, bOff, out.data, pool.winnersFor(out.size()));
            else Kernels.get().conv2dForwardReluPool(g, pool.geometry(), x.batch(), x.data, params, offset, b, bOff, out.data);
            return out;
        }
        return forwardFolded((BatchNorm2d) next, x, true);
    }

    /**
     * At inference, Conv2d → BatchNorm2d → ReLU → max pool of any window (resnet18's stem and its 3 × 3,
     * stride-2 pool): the normalisation folded, the pool taken from the sums before they reach memory
     * ({@link Kernels#conv2dForwardReluPool}).
     */
    @Override
    public boolean fusesForwardWith(Layer next, Layer after, Layer last) {
        return next.getClass() == BatchNorm2d.class && after.getClass() == ReLU.class && last.getClass() == MaxPool2d.class;
    }

    @Override
    public Tensor forwardFused(Layer next, Layer after, Layer last, Tensor x) {
        checkInput(x);
        this.x = x;
        foldFor((BatchNorm2d) next);
        Pool2d pool = (Pool2d) last;
        Tensor out = pool.outputFor(x.batch());
        Kernels.get().conv2dForwardReluPool(g, pool.geometry(), x.batch(), x.data, folded, 0, folded, g.weightSize(), out.data);
        return out;
    }

    /** Conv2d → ReLU → 2×2 max pool trains as one pass (see {@link #forwardFused(Layer, Layer, Tensor, boolean)}). */
    @Override
    public boolean fusesTrainingWith(Layer next, Layer after) { return next.getClass() == ReLU.class && ((Pool2d) after).halvesByMax(); }

    /**
     * The weight gradient straight from the pooled gradient and the winners; an input gradient, when
     * one is needed, from the full-size gradient that the pool's backward writes.
     */
    @Override
    public Tensor backwardFused(Layer next, Layer after, Tensor dy) {
        Pool2d pool = (Pool2d) after;
        if (inputGradientNeeded()) return backward(pool.backwardThroughPooledRelu(dy));
        Kernels.get().conv2dBackwardParamsMaxPooled(g, dy.batch(), x.data, dy.data, pool.lastOutput().data, pool.winners(),
                grads, offset, bias ? grads : null, offset + g.weightSize());
        return null;
    }

    /**
     * BatchNorm(conv(x)) at inference in one pass: the normalisation is y·scale[o] + shift[o] per
     * output channel, so it becomes weights w·scale[o] and bias b·scale[o] + shift[o].
     */
    private Tensor forwardFolded(BatchNorm2d norm, Tensor x, boolean relu) {
        checkInput(x);
        this.x = x;
        foldFor(norm);
        y = reuse(y, x.batch(), outputShape);
        int ws = g.weightSize();
        if (relu) Kernels.get().conv2dForwardRelu(g, x.batch(), x.data, folded, 0, folded, ws, y.data);
        else Kernels.get().conv2dForward(g, x.batch(), x.data, folded, 0, folded, ws, y.data);
        return y;
    }

    /** Makes {@link #folded} hold this layer's weights and bias with {@code norm} folded in, unless it already does. */
    private void foldFor(BatchNorm2d norm) {
        if (foldScale == null) {
            foldScale = new float[filters];
            foldShift = new float[filters];
        }
        norm.inferenceScaleShift(foldScale, foldShift);
        norm.folded();
        if (!foldStillHolds()) fold(g.weightSize());
    }

    /** This package's own Conv2d, alone or with a BatchNorm2d folded in (see {@link #forwardFolded}). */
    @Override
    public boolean takesSum(Layer next) {
        return getClass() == Conv2d.class && (next == null || next.getClass() == BatchNorm2d.class);
    }

    /** conv(x) (BatchNorm folded in when {@code next} is one) + sum, then the ReLU, in one call of the kernels. */
    @Override
    public Tensor forwardSum(Layer next, Tensor x, Tensor sum, ReLU relu) {
        checkInput(x);
        if (sum.batch() != x.batch() || sum.size() != x.batch() * (long) g.outSize()) {
            throw new ShapeException("Layer '" + name() + "' (Conv2d) adds a tensor of " + sum.batch() + " samples and " + sum.size()
                    + " values to its output of " + x.batch() + " samples of " + Shapes.str(outputShape) + ". Expected the same shape.");
        }
        this.x = x;
        float[] w = params, b = bias ? params : null;
        int wOff = offset, bOff = offset + g.weightSize();
        if (next instanceof BatchNorm2d norm) {
            foldFor(norm);
            w = b = folded;
            wOff = 0;
            bOff = g.weightSize();
        }
        y = reuse(y, x.batch(), outputShape);
        Kernels.get().conv2dForwardAdd(g, x.batch(), x.data, w, wOff, b, bOff, sum.data, relu != null, y.data);
        return relu == null ? y : relu.passThrough(y);
    }

    /**
     * Whether the folded weights were made from the current weights and statistics. Known only for
     * weights fixed for inference ({@link Graph#forInference}): the statistics are compared (a BatchNorm's
     * state can still be loaded). Other weights are folded again on every call, a pass over them small
     * beside the convolution, so that the current weights are always the ones read.
     */
    private boolean foldStillHolds() {
        return foldedScale != null && Kernels.weightsFixed(params) && Arrays.equals(foldScale, foldedScale) && Arrays.equals(foldShift, foldedShift);
    }

    private void fold(int ws) {
        boolean fixed = Kernels.weightsFixed(params);
        // fixed folded weights are never written again: the kernels may keep a layout made from them
        if (folded == null || fixed) folded = new float[ws + filters];
        int perFilter = ws / filters;
        for (int o = 0; o < filters; o++) {
            float k = foldScale[o];
            int from = offset + o * perFilter;
            for (int i = 0; i < perFilter; i++) folded[o * perFilter + i] = params[from + i] * k;
            folded[ws + o] = (bias ? params[offset + ws + o] * k : 0f) + foldShift[o];
        }
        if (fixed) {
            foldedScale = foldScale.clone();
            foldedShift = foldShift.clone();
            Kernels.fixWeights(folded);
        }
    }

    /** ONNX Conv: weights (outC, C/groups, kH, kW), the optional bias, padding on both sides. */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        String w = out.floats(name() + ".weight", params, offset, filters, g.inPerGroup(), kH, kW);
        String[] inputs = bias ? new String[] {in[0], w, out.floats(name() + ".bias", params, offset + g.weightSize(), filters)} : new String[] {in[0], w};
        return out.node("Conv", name(), inputs, "kernel_shape", new int[] {kH, kW}, "strides", new int[] {g.strideH(), g.strideW()},
                "pads", new int[] {g.padH(), g.padW(), g.padH(), g.padW()}, "dilations", new int[] {g.dilH(), g.dilW()}, "group", g.groups());
    }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder("conv ").append(filters).append(' ').append(kH).append('x').append(kW);
        if (strideH != 1 || strideW != 1) b.append(" stride=").append(strideH == strideW ? "" + strideH : strideH + "x" + strideW);
        if (same) b.append(" pad=same");
        else if (padH != 0 || padW != 0) b.append(" pad=").append(padH == padW ? "" + padH : padH + "x" + padW);
        if (dilH != 1 || dilW != 1) b.append(" dilation=").append(dilH == dilW ? "" + dilH : dilH + "x" + dilW);
        if (groups != 1) b.append(" groups=").append(groups);
        if (!bias) b.append(" bias=false");
        return b.toString();
    }
}
