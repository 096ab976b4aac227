package org.striate.data;

import org.striate.StriateException;
import org.striate.tensor.Tensor;

/**
 * Super-resolution pairs: each image is the target and its area-averaged reduction by a whole factor
 * the input (Fashion-MNIST's 28×28 images give 14×14 inputs at factor 2).
 */
public final class SuperResolutionPairs {
    private SuperResolutionPairs() {}

    /** Inputs (N, C, H/f, W/f) with the images (N, C, H, W) as targets. */
    public static Dataset of(Dataset images, int factor) {
        int[] s = images.sampleShape();
        if (factor < 2 || s.length != 3 || s[1] % factor != 0 || s[2] % factor != 0) {
            throw new StriateException("Cannot reduce images of shape " + org.striate.tensor.Shapes.str(s) + " by " + factor
                    + ". Expected images (C, H, W) whose H and W divide by a factor >= 2.");
        }
        return Dataset.dense(reduce(images.images(), factor), images.images(), images.classNames());
    }

    /** (N, C, H, W) reduced by area averaging to (N, C, H/f, W/f). */
    public static Tensor reduce(Tensor x, int factor) {
        int n = x.batch(), c = x.dim(1), h = x.dim(2), w = x.dim(3), sh = h / factor, sw = w / factor;
        Tensor small = new Tensor(n, c, sh, sw);
        for (int p = 0; p < n * c; p++) Resize.AREA.apply(x.data, p * h * w, h, w, small.data, p * sh * sw, sh, sw);
        return small;
    }

    /** (N, C, h, w) enlarged by {@code factor} with {@code resize} (bicubic for the usual baseline). */
    public static Tensor enlarge(Tensor x, int factor, Resize resize) {
        int n = x.batch(), c = x.dim(1), h = x.dim(2), w = x.dim(3), bh = h * factor, bw = w * factor;
        Tensor big = new Tensor(n, c, bh, bw);
        for (int p = 0; p < n * c; p++) resize.apply(x.data, p * h * w, h, w, big.data, p * bh * bw, bh, bw);
        return big;
    }
}
