package org.striate.nn;

import org.striate.StriateException;
import org.striate.kernels.ResizeKernels;
import org.striate.tensor.Tensor;

/**
 * Up-sampling of (C, H, W) maps by an integer factor: {@code nearest} repeats each cell, {@code
 * bilinear} interpolates between the two nearest cells per axis (PyTorch's align_corners=False, ONNX's
 * half_pixel). No parameters; a decoder's cheap alternative to a transposed convolution.
 */
public class Upsample extends Layer {
    public enum Mode { NEAREST, BILINEAR }

    public static final int MAX_SCALE = 64;

    private final int scale;
    private final Mode mode;
    private Tensor y, dx;

    public Upsample(int scale) { this(scale, Mode.NEAREST); }

    public Upsample(int scale, Mode mode) {
        if (scale < 1 || scale > MAX_SCALE) throw Arguments.invalid("scale", "a whole factor from 1 to " + MAX_SCALE, "scale=" + scale);
        if (mode == null) throw Arguments.invalid("mode", "nearest or bilinear", "mode=null");
        this.scale = scale;
        this.mode = mode;
    }

    /** Reads "upsample SCALE [mode=nearest|bilinear]". */
    static Upsample fromSpec(LayerSpecs.Line l) {
        l.expectArgs(1, 1, "'upsample SCALE [mode=nearest|bilinear]', e.g. 'upsample 2'");
        String m = l.option("mode");
        Mode mode = m == null ? Mode.NEAREST : switch (m.toLowerCase()) {
            case "nearest" -> Mode.NEAREST;
            case "bilinear" -> Mode.BILINEAR;
            default -> throw l.error("mode=" + m + " must be nearest or bilinear");
        };
        return new Upsample(l.intArg(0, "scale"), mode);
    }

    public int scale() { return scale; }
    public Mode mode() { return mode; }

    @Override
    protected int[] computeOutputShape(int[] in) {
        Arguments.expectRank(this, in, 3, "(C, H, W)", "");
        long h = (long) in[1] * scale, w = (long) in[2] * scale;
        if ((long) in[0] * h * w > Integer.MAX_VALUE) throw new StriateException("Layer '" + name() + "' (Upsample): the output of " + in[0] + "x" + h + "x" + w + " is too large.");
        return new int[] {in[0], (int) h, (int) w};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        y = reuse(y, x.batch(), outputShape);
        int planes = x.batch() * inputShape[0];
        if (mode == Mode.NEAREST) ResizeKernels.nearestForward(planes, inputShape[1], inputShape[2], scale, scale, x.data, y.data);
        else ResizeKernels.bilinearForward(planes, inputShape[1], inputShape[2], scale, scale, x.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        dx = reuse(dx, dy.batch(), inputShape);
        int planes = dy.batch() * inputShape[0];
        if (mode == Mode.NEAREST) ResizeKernels.nearestBackward(planes, inputShape[1], inputShape[2], scale, scale, dy.data, dx.data);
        else ResizeKernels.bilinearBackward(planes, inputShape[1], inputShape[2], scale, scale, dy.data, dx.data);
        return dx;
    }

    /** Nearest reads one input cell per output; bilinear two per axis. */
    @Override
    public Window window() {
        int span = mode == Mode.NEAREST || scale == 1 ? 1 : 2;
        return Window.upsampling(span, span, scale, scale);
    }

    @Override public long backwardBytesPerSample() { return 0; }

    /** ONNX Resize by (1, 1, scale, scale): nearest as PyTorch writes it (asymmetric, floor), bilinear with half_pixel. */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        String scales = out.floats(name() + ".scales", new float[] {1, 1, scale, scale}, 0, 4);
        String[] inputs = {in[0], "", scales};
        if (mode == Mode.NEAREST) {
            return out.node("Resize", name(), inputs, "mode", "nearest", "coordinate_transformation_mode", "asymmetric", "nearest_mode", "floor");
        }
        return out.node("Resize", name(), inputs, "mode", "linear", "coordinate_transformation_mode", "half_pixel");
    }

    @Override
    public String spec() { return "upsample " + scale + (mode == Mode.NEAREST ? "" : " mode=bilinear"); }
}
