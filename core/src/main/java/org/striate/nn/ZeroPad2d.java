package org.striate.nn;

import org.striate.StriateException;
import org.striate.kernels.PadKernels;
import org.striate.tensor.Tensor;

/**
 * Zeros around each (H, W) plane, by its own amount on each side: what a convolution's padding does,
 * for the cases it cannot say (different top and bottom, as Keras's 'same' with stride 2 or an even
 * kernel pads; ONNX's Pad). Keras's ZeroPadding2D, PyTorch's ZeroPad2d.
 */
public class ZeroPad2d extends Layer {
    public static final int MAX_PAD = 1 << 12;

    private final int top, bottom, left, right;
    private Tensor y, dx;

    public ZeroPad2d(int top, int bottom, int left, int right) {
        for (int p : new int[] {top, bottom, left, right}) {
            if (p < 0 || p > MAX_PAD) throw Arguments.invalid("padding", "values from 0 to " + MAX_PAD, "padding=" + top + "," + bottom + "," + left + "," + right);
        }
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    /** Reads "zeropad TOP,BOTTOM,LEFT,RIGHT". */
    static ZeroPad2d fromSpec(LayerSpecs.Line l) {
        l.expectArgs(1, 1, "'zeropad TOP,BOTTOM,LEFT,RIGHT', e.g. 'zeropad 0,1,0,1'");
        String[] p = l.args.get(0).split(",");
        if (p.length != 4) throw l.error("'" + l.args.get(0) + "' must be four sizes TOP,BOTTOM,LEFT,RIGHT");
        int[] v = new int[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Integer.parseInt(p[i].trim());
            } catch (NumberFormatException e) {
                throw l.error("'" + p[i] + "' is not a whole number of cells");
            }
        }
        return new ZeroPad2d(v[0], v[1], v[2], v[3]);
    }

    /** Top, bottom, left, right. */
    public int[] pads() { return new int[] {top, bottom, left, right}; }

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 3, "(C, H, W)", "");
        long h = (long) in[1] + top + bottom, w = (long) in[2] + left + right;
        if (in[0] * h * w > Integer.MAX_VALUE) throw new StriateException("Layer '" + name() + "' (ZeroPad2d): the output of " + in[0] + "x" + h + "x" + w + " is too large.");
        return new int[] {in[0], (int) h, (int) w};
    }

    // x is (N, C, H, W); y is (N, C, H + top + bottom, W + left + right)
    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        y = reuse(y, x.batch(), outputShape);
        PadKernels.pad(x.batch() * inputShape[0], inputShape[1], inputShape[2], top, bottom, left, right, x.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        PadKernels.crop(dy.batch() * inputShape[0], inputShape[1], inputShape[2], top, bottom, left, right, dy.data, dx.data);
        return dx;
    }

    /** A 1×1 window that moves each cell by (top, left): like a convolution with that padding and a 1×1 kernel. */
    @Override
    public Window window() { return top == bottom && left == right ? Window.sliding(1, 1, 1, 1, top, left, 1, 1) : Window.UNKNOWN; }

    @Override public long backwardBytesPerSample() { return 0; }

    /** Symmetric padding done by the caller already: the input is the output. */
    @Override
    public Tensor forwardPrepadded(Tensor padded) {
        if (top != bottom || left != right) return super.forwardPrepadded(padded);
        return padded.copy();
    }

    /** ONNX Pad (constant zeros) over H and W only. */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        return out.node("Pad", name(), new String[] {in[0], out.ints(name() + ".pads", 0, 0, top, left, 0, 0, bottom, right)}, "mode", "constant");
    }

    @Override
    public String spec() { return "zeropad " + top + "," + bottom + "," + left + "," + right; }
}
