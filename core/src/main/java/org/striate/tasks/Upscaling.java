package org.striate.tasks;

import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.data.Resize;
import org.striate.data.SuperResolutionPairs;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluator;

/** Super-resolution figures: mean PSNR and SSIM per image of a model and of bicubic enlargement, against the targets. */
public final class Upscaling {
    private Upscaling() {}

    public record Quality(double psnr, double ssim, double bicubicPsnr, double bicubicSsim, int images) {
        public double psnrGain() { return psnr - bicubicPsnr; }
    }

    /** The whole factor by which {@code model} enlarges (C, h, w) into (C, f·h, f·w); fails otherwise. */
    public static int factor(Graph model) {
        int[] in = model.inputShape(), out = model.outputShape();
        if (in.length == 3 && out.length == 3 && in[0] == out[0] && out[1] % in[1] == 0 && out[1] / in[1] >= 2
                && out[2] == in[2] * (out[1] / in[1])) return out[1] / in[1];
        throw new StriateException("The model maps " + Shapes.str(in) + " to " + Shapes.str(out)
                + ". Expected an upscaling model from (C, h, w) to (C, f*h, f*w) with a whole f >= 2, such as sr-small.");
    }

    /** Mean PSNR and SSIM over the pairs (inputs and targets in [0, 1]); the model's output is clipped to [0, 1]. */
    public static Quality evaluate(Graph model, Dataset pairs, int batchSize) {
        int f = factor(model);
        if (!pairs.hasTargets() || !Shapes.equal(pairs.targets().sampleShape(), model.outputShape())) {
            throw new StriateException("Upscaling needs target images of the model's output shape " + Shapes.str(model.outputShape())
                    + ". Expected super-resolution pairs.");
        }
        Tensor predicted = Evaluator.outputs(model, pairs.images(), batchSize);
        for (int i = 0; i < predicted.size(); i++) predicted.data[i] = Math.max(0f, Math.min(1f, predicted.data[i]));
        Tensor bicubic = SuperResolutionPairs.enlarge(pairs.images(), f, Resize.BICUBIC);
        for (int i = 0; i < bicubic.size(); i++) bicubic.data[i] = Math.max(0f, Math.min(1f, bicubic.data[i]));
        int[] o = model.outputShape();
        int planes = pairs.size() * o[0], plane = o[1] * o[2];
        double p = 0, s = 0, bp = 0, bs = 0;
        float[] t = pairs.targets().data;
        for (int i = 0; i < planes; i++) {
            p += ImageQuality.psnr(predicted.data, i * plane, t, i * plane, plane);
            s += ImageQuality.ssim(predicted.data, i * plane, t, i * plane, o[1], o[2]);
            bp += ImageQuality.psnr(bicubic.data, i * plane, t, i * plane, plane);
            bs += ImageQuality.ssim(bicubic.data, i * plane, t, i * plane, o[1], o[2]);
        }
        return new Quality(p / planes, s / planes, bp / planes, bs / planes, pairs.size());
    }
}
