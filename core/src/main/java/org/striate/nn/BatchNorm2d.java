package org.striate.nn;

import java.util.Arrays;
import java.util.Random;
import org.striate.StriateException;
import org.striate.kernels.Kernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Batch normalisation per channel: y = γ·(x − μ)/√(σ² + eps) + β. Input (C, H, W) per sample, or any
 * channel-first shape (C, ...), e.g. (F,) after a Flatten. In training μ and σ² are the statistics of
 * the batch (over N, H, W) and the running estimates move towards them by {@code momentum}
 * (running = (1 − m)·running + m·batch, with the unbiased batch variance); in evaluation the running
 * estimates are used, and so they are in training when the layer is frozen ({@code trainable(false)}),
 * as in Keras. Parameters γ (C) then β (C); the running mean and variance are the layer's state.
 */
public class BatchNorm2d extends Layer {
    /** Training normalises with the statistics of the whole batch; a frozen layer uses its running ones. */
    @Override
    public boolean samplesIndependent() { return !trainable(); }

    /** Inference normalises with the running statistics, whatever the batch. */
    @Override
    public boolean samplesIndependentAtInference() { return true; }

    public static final float DEFAULT_MOMENTUM = 0.1f, DEFAULT_EPS = 1e-5f;
    private final float momentum, eps;
    private int channels, plane;
    private float[] runningMean = new float[0], runningVar = new float[0];
    private float[] mean, var, invStd;
    private boolean batchStats;
    private Tensor x, y, dx;

    public BatchNorm2d() { this(DEFAULT_MOMENTUM, DEFAULT_EPS); }

    public BatchNorm2d(float momentum, float eps) {
        if (!(momentum > 0 && momentum <= 1)) throw Arguments.invalid("momentum", "a value in (0, 1]", "momentum=" + momentum);
        if (!(eps > 0)) throw Arguments.invalid("epsilon", "a strictly positive value", "epsilon=" + eps);
        this.momentum = momentum;
        this.eps = eps;
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        if (in.length == 0) {
            throw new ShapeException("Layer '" + name() + "' (BatchNorm2d) expects channel-first input such as (C, H, W) per sample but received ().");
        }
        channels = in[0];
        plane = Shapes.size(in) / channels;
        if (runningMean.length != channels) {
            runningMean = new float[channels];
            runningVar = new float[channels];
            Arrays.fill(runningVar, 1f);
        }
        mean = new float[channels];
        var = new float[channels];
        invStd = new float[channels];
        return in.clone();
    }

    @Override
    public int paramCount() { return 2 * channels; }

    /** γ = 1, β = 0: the layer starts as a pure normalisation. */
    @Override
    public void initParams(Random rng) {
        Arrays.fill(params, offset, offset + channels, 1f);
        Arrays.fill(params, offset + channels, offset + 2 * channels, 0f);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) { return forward(x, training, false); }

    /**
     * ReLU(BatchNorm(x)) in one pass, for a ReLU that reads this layer's output alone (Conv2d →
     * BatchNorm2d → ReLU in training, see {@link Conv2d#forwardFused(Layer, Layer, Tensor, boolean)}):
     * the ReLU keeps the rectified output for its backward, this layer its input for its own.
     */
    Tensor forwardRectified(ReLU relu, Tensor x, boolean training) { return relu.passThrough(forward(x, training, true)); }

    private Tensor forward(Tensor x, boolean training, boolean rectify) {
        checkInput(x);
        this.x = x;
        int n = x.batch();
        y = reuse(y, n, outputShape);
        // frozen (Keras's trainable=False): inference mode, so the running statistics stay as they were
        batchStats = training && trainable();
        if (batchStats) {
            Kernels.get().batchNormTraining(n, channels, plane, x.data, eps, mean, var, invStd, params, offset, offset + channels,
                    rectify, y.data);
            long count = (long) n * plane;
            float unbias = count > 1 ? (float) count / (count - 1) : 1f;
            for (int c = 0; c < channels; c++) {
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
                runningVar[c] = (1 - momentum) * runningVar[c] + momentum * var[c] * unbias;
            }
            return y;
        }
        System.arraycopy(runningMean, 0, mean, 0, channels);
        System.arraycopy(runningVar, 0, var, 0, channels);
        for (int c = 0; c < channels; c++) invStd[c] = (float) (1 / Math.sqrt(var[c] + eps));
        Kernels.get().batchNormForward(n, channels, plane, x.data, mean, invStd, params, offset, offset + channels, y.data);
        if (rectify) Kernels.get().reluForward(y.size(), y.data, y.data);
        return y;
    }

    /** Called when an inference pass folded this layer into the convolution before it: there is no input to back-propagate through. */
    void folded() { x = null; }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) {
            throw new IllegalStateException("Layer '" + name() + "' (BatchNorm2d) has no input to back-propagate through: its last forward was at"
                    + " inference, folded into the convolution before it. Run forward(x, true) before backward.");
        }
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().batchNormBackward(dy.batch(), channels, plane, x.data, mean, invStd, params, offset, dy.data, batchStats,
                dx.data, grads, offset, offset + channels);
        return dx;
    }

    /**
     * The inference transform as y = x·scale[c] + shift[c], from the running statistics: what a
     * convolution before this layer folds into its own weights and bias at inference.
     */
    public void inferenceScaleShift(float[] scale, float[] shift) {
        for (int c = 0; c < channels; c++) {
            float k = params[offset + c] * (float) (1 / Math.sqrt(runningVar[c] + eps));
            scale[c] = k;
            shift[c] = params[offset + channels + c] - runningMean[c] * k;
        }
    }

    /** One fused multiply-add per value: y = x·scale + shift. */
    @Override
    public long macs() { return (long) channels * plane; }

    /** Running mean (C) then running variance (C). */
    @Override
    public float[] state() {
        float[] s = Arrays.copyOf(runningMean, 2 * channels);
        System.arraycopy(runningVar, 0, s, channels, channels);
        return s;
    }

    @Override
    public void loadState(float[] state) {
        if (state.length != 2 * channels) {
            throw new StriateException("Layer '" + name() + "' (BatchNorm2d) expects a state of " + 2 * channels
                    + " floats (running mean and variance of " + channels + " channels) but received " + state.length + ".");
        }
        System.arraycopy(state, 0, runningMean, 0, channels);
        System.arraycopy(state, channels, runningVar, 0, channels);
    }

    @Override
    public Window window() { return Window.ELEMENTWISE; }

    public float momentum() { return momentum; }
    public float epsilon() { return eps; }

    /** ONNX BatchNormalization (inference form); ONNX's momentum is the weight of the old estimate, 1 − ours. */
    @Override
    public String toOnnx(OnnxOps out, String[] in) {
        String n = name();
        return out.node("BatchNormalization", n, new String[] {in[0], out.floats(n + ".weight", params, offset, channels),
                out.floats(n + ".bias", params, offset + channels, channels), out.floats(n + ".running_mean", runningMean, 0, channels),
                out.floats(n + ".running_var", runningVar, 0, channels)}, "epsilon", eps, "momentum", 1 - momentum);
    }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder("batchnorm");
        if (momentum != DEFAULT_MOMENTUM) b.append(" momentum=").append(momentum);
        if (eps != DEFAULT_EPS) b.append(" eps=").append(eps);
        return b.toString();
    }
}
