package org.striate.nn;

import org.striate.kernels.Kernels;
import org.striate.kernels.PoolGeometry;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Shared body of max, min and average pooling over (N, C, H, W): a kH×kW window moved by the
 * stride (the window size unless set), with optional padding that never wins a max or min and is
 * not counted in an average unless the average pooling is told to count it. Pooling keeps the channels and shrinks H and W, which also shrinks the
 * activations kept for the backward pass.
 */
public abstract class Pool2d extends Layer {
    private final PoolGeometry.Kind kind;
    private final int kH, kW;
    private int strideH, strideW, padH, padW;
    private boolean countPad;
    private PoolGeometry g;
    private Tensor y, dx;
    private int[] arg = new int[0];

    protected Pool2d(PoolGeometry.Kind kind, int kH, int kW) {
        Arguments.positive("pool_size", kH, kW);
        this.kind = kind;
        this.kH = kH;
        this.kW = kW;
        this.strideH = kH;
        this.strideW = kW;
    }

    /** The spec keyword: "maxpool", "minpool" or "avgpool". */
    protected abstract String keyword();

    public Pool2d stride(int s) { return stride(s, s); }
    public Pool2d stride(int sh, int sw) {
        Arguments.positive("strides", sh, sw);
        strideH = sh; strideW = sw; return this;
    }

    public Pool2d padding(int p) { return padding(p, p); }
    public Pool2d padding(int ph, int pw) {
        Arguments.nonNegative("padding", ph, pw);
        if (ph > kH / 2 || pw > kW / 2) {
            throw Arguments.invalid("padding", "at most half the pool size (" + kH / 2 + "x" + kW / 2 + ")", "padding=" + ph + "x" + pw);
        }
        padH = ph; padW = pw; return this;
    }

    /** Average pooling only: divide by the whole window, padding included (PyTorch's count_include_pad=True). */
    protected final void countPad(boolean on) { countPad = on; }

    /** The window size, stride and padding (rows, columns). */
    public int[] poolSize() { return new int[] {kH, kW}; }
    public int[] strides() { return new int[] {strideH, strideW}; }
    public int[] pads() { return new int[] {padH, padW}; }
    public boolean countsPadding() { return countPad; }

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 3, "(C, H, W)", "");
        g = new PoolGeometry(kind, in[0], in[1], in[2], kH, kW, strideH, strideW, padH, padW, countPad);
        return new int[] {in[0], g.outH(), g.outW()};
    }

    public PoolGeometry geometry() { return g; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        y = reuse(y, x.batch(), outputShape);
        if (!training && kind == PoolGeometry.Kind.MAX) {
            // nothing to keep for a backward pass: the values alone
            Kernels.get().maxPool2dForward(g, x.batch(), x.data, y.data);
            return y;
        }
        if (kind != PoolGeometry.Kind.AVG) winnersFor(y.size());
        Kernels.get().pool2dForward(g, x.batch(), x.data, y.data, arg);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().pool2dBackward(g, dy.batch(), dy.data, arg, dx.data);
        return dx;
    }

    /**
     * The backward of the ReLU before this layer and of this layer in one pass: dx is zero where
     * {@code reluOut}, this layer's input, is not positive. The model calls it for ReLU → pool.
     */
    Tensor backwardThroughRelu(Tensor dy, Tensor reluOut) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().pool2dBackwardRelu(g, dy.batch(), dy.data, arg, reluOut.data, dx.data);
        return dx;
    }

    @Override
    public Window window() { return Window.sliding(kH, kW, strideH, strideW, padH, padW, 1, 1); }

    /** Max and min pooling keep one int index per output (where the winner was); average pooling nothing. */
    @Override
    public long backwardBytesPerSample() { return kind == PoolGeometry.Kind.AVG ? 0 : (long) Integer.BYTES * Shapes.size(outputShape); }

    @Override
    public Tensor forwardPrepadded(Tensor padded) {
        PoolGeometry u = new PoolGeometry(kind, g.channels(), g.inH() + 2 * padH, g.inW() + 2 * padW, kH, kW, strideH, strideW, 0, 0, countPad);
        Tensor out = new Tensor(Shapes.withBatch(padded.batch(), outputShape));
        Kernels.get().pool2dForward(u, padded.batch(), padded.data, out.data, new int[out.size()]);
        return out;
    }

    /** Whether this is this package's 2×2, stride-2, unpadded max pool, which a convolution can take into its pass. */
    boolean halvesByMax() {
        return getClass() == MaxPool2d.class && g.halvesByMax();
    }

    /** This layer's output buffer for a batch, for a pass that computes its output in its place. */
    Tensor outputFor(int batch) {
        y = reuse(y, batch, outputShape);
        return y;
    }

    /** The winners' indices for {@code size} outputs, for a training pass that pools in this layer's place. */
    int[] winnersFor(int size) {
        if (arg.length < size) arg = new int[size];
        return arg;
    }

    /** The output and winners of the last training pass, this layer's own or one that pooled in its place. */
    Tensor lastOutput() { return y; }
    int[] winners() { return arg; }

    /**
     * The gradient of a ReLU and this max pool after it, from this layer's own output: the ReLU's mask
     * at a winner is whether the pooled value is positive. For a training pass that pooled in this
     * layer's place and kept no full-size output to mask with.
     */
    Tensor backwardThroughPooledRelu(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().pool2dBackwardPooledRelu(g, dy.batch(), dy.data, arg, y.data, dx.data);
        return dx;
    }

    /** ReLU → pooling runs backward as one pass (this package's own layers only). */
    @Override
    public boolean fusesBackwardWith(Layer previous) {
        return getClass().getPackage() == Pool2d.class.getPackage() && previous.getClass() == ReLU.class;
    }

    @Override
    public Tensor backwardFused(Layer previous, Tensor dy) { return backwardThroughRelu(dy, ((ReLU) previous).lastInput()); }

    /** ONNX MaxPool or AveragePool; min pooling as −MaxPool(−x). */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        Object[] attrs = {"kernel_shape", new int[] {kH, kW}, "strides", new int[] {strideH, strideW}, "pads", new int[] {padH, padW, padH, padW}};
        return switch (kind) {
            case MAX -> out.node("MaxPool", name(), in, attrs);
            case AVG -> out.node("AveragePool", name(), in, "kernel_shape", attrs[1], "strides", attrs[3], "pads", attrs[5], "count_include_pad", countPad ? 1 : 0);
            case MIN -> {
                String negated = out.node("Neg", name() + "_neg", in);
                String max = out.node("MaxPool", name() + "_max", new String[] {negated}, attrs);
                yield out.node("Neg", name(), new String[] {max});
            }
        };
    }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder(keyword()).append(' ').append(Arguments.pair(kH, kW));
        if (strideH != kH || strideW != kW) b.append(" stride=").append(Arguments.pair(strideH, strideW));
        if (padH != 0 || padW != 0) b.append(" pad=").append(Arguments.pair(padH, padW));
        if (countPad) b.append(" count_pad=true");
        return b.toString();
    }
}
