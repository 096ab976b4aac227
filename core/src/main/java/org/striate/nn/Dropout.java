package org.striate.nn;

import java.util.Random;
import org.striate.data.SavableRandom;
import org.striate.kernels.ActivationKernels;
import org.striate.kernels.Kernels;
import org.striate.tensor.Tensor;

/**
 * Inverted dropout: in training each value is zeroed with probability p and the survivors are scaled
 * by 1 / (1 − p), so evaluation is the identity. The generator is seeded from the model's generator
 * in {@link #initParams}, so the same model seed gives the same masks and the same training run.
 */
public class Dropout extends Layer {
    /** The masks are drawn in sample order from one generator: a split batch would draw others. */
    @Override
    public boolean samplesIndependent() { return false; }

    /** Inference is the identity: no masks are drawn. */
    @Override
    public boolean samplesIndependentAtInference() { return true; }

    private final float p;
    private SavableRandom rng = new SavableRandom(0);
    private boolean masked;
    private Tensor mask, y, dx;

    public Dropout(float p) {
        if (!(p >= 0 && p < 1)) throw Arguments.invalid("rate", "a float in the range [0, 1)", "rate=" + p);
        this.p = p;
    }

    public float rate() { return p; }

    @Override
    protected int[] computeOutputShape(int[] in) { return in.clone(); }

    /** Draws one long from the model's generator: the seed of this layer's own mask generator. */
    @Override
    public void initParams(Random modelRng) { rng = new SavableRandom(modelRng.nextLong()); }

    @Override
    public long[] randomState() { return rng.state(); }

    @Override
    public void restoreRandomState(long[] state) { rng.restore(state); }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        masked = training && p > 0;
        if (!masked) return x;
        mask = reuse(mask, x.batch(), inputShape);
        y = reuse(y, x.batch(), outputShape);
        // the mask is drawn in one sequence on this thread, whatever the kernels: the same seed gives the same masks
        ActivationKernels.dropoutMask(x.size(), p, rng, mask.data);
        Kernels.get().multiply(x.size(), x.data, mask.data, y.data);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (!masked) return dy;
        dx = reuse(dx, dy.batch(), inputShape);
        Kernels.get().multiply(dy.size(), dy.data, mask.data, dx.data);
        return dx;
    }

    @Override
    public Window window() { return Window.ELEMENTWISE; }

    /** ONNX Dropout with its ratio (a no-op at inference, as here). */
    @Override
    public String toOnnx(OnnxOps out, String[] in) { return out.node("Dropout", name(), new String[] {in[0], out.floats(name() + ".ratio", new float[] {p}, 0)}); }

    @Override
    public String spec() { return "dropout " + p; }
}
