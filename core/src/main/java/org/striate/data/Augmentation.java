package org.striate.data;

import java.util.Random;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

/**
 * Training-time augmentation applied to a batch (N, C, H, W) in place: a random shift of up to
 * {@code maxShift} pixels in each direction with zeros filling the uncovered border (the same as
 * padding by maxShift and taking a random H×W crop), and a horizontal flip with probability ½.
 *
 * <p>Draws per sample, in this order: dy then dx (each uniform in [−maxShift, maxShift], only when
 * maxShift &gt; 0), then the flip (only when enabled). The same generator state gives the same batch.
 *
 * <p>Applied to images in [0, 1] the uncovered border is black (as torchvision pads before it
 * normalises); applied after normalisation it takes the channel mean.
 */
public final class Augmentation {
    private final int maxShift;
    private final boolean flip;

    public Augmentation(int maxShift, boolean flipHorizontal) {
        if (maxShift < 0) {
            throw new StriateException("Invalid value for argument `maxShift`. Expected a value >= 0. Received maxShift=" + maxShift + ".");
        }
        this.maxShift = maxShift;
        this.flip = flipHorizontal;
    }

    private static final Augmentation NONE = new Augmentation(0, false);

    public static Augmentation none() { return NONE; }

    /** "none", "flip", "shift=2", "shift=2,flip" — the inverse of {@link #toString()}. */
    public static Augmentation parse(String text) {
        int shift = 0;
        boolean flip = false;
        for (String part : text.trim().toLowerCase().split("\\s*,\\s*")) {
            if (part.equals("none") || part.isEmpty()) continue;
            if (part.equals("flip")) { flip = true; continue; }
            if (part.startsWith("shift=")) {
                try {
                    shift = Integer.parseInt(part.substring(6));
                    if (shift >= 0) continue;
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw new StriateException("Invalid augmentation '" + part + "' in '" + text
                    + "'. Expected a comma-separated list of shift=N (N >= 0) and flip, or none.");
        }
        return new Augmentation(shift, flip);
    }

    public int maxShift() { return maxShift; }
    public boolean flip() { return flip; }
    public boolean isNone() { return maxShift == 0 && !flip; }

    /** Augments every sample of the batch (N, C, H, W) in place, drawing from {@code rng}. */
    public void applyInPlace(Tensor batch, Random rng) {
        if (isNone()) return;
        if (batch.rank() != 4) {
            throw new StriateException("Augmentation expects images (N, C, H, W) but received " + batch + ".");
        }
        int n = batch.dim(0), c = batch.dim(1), h = batch.dim(2), w = batch.dim(3);
        float[] scratch = new float[c * h * w];
        for (int i = 0; i < n; i++) applyToSample(batch.data, i * c * h * w, c, h, w, rng, scratch);
    }

    /**
     * Augments one sample (C, H, W) at {@code off} in place, drawing from {@code rng}; {@code scratch}
     * holds at least C·H·W floats, so a caller that keeps one allocates nothing per sample.
     */
    public void applyToSample(float[] data, int off, int c, int h, int w, Random rng, float[] scratch) {
        if (maxShift > 0) {
            int dy = rng.nextInt(2 * maxShift + 1) - maxShift;
            int dx = rng.nextInt(2 * maxShift + 1) - maxShift;
            shift(data, off, c, h, w, dy, dx, scratch);
        }
        if (flip && rng.nextBoolean()) flipHorizontal(data, off, c, h, w);
    }

    /**
     * Moves one sample (C, H, W) at {@code off} by dy rows down and dx columns right (negative: up,
     * left): out[y][x] = in[y − dy][x − dx], zero where that falls outside.
     */
    public static void shift(float[] data, int off, int c, int h, int w, int dy, int dx) {
        shift(data, off, c, h, w, dy, dx, new float[c * h * w]);
    }

    private static void shift(float[] data, int off, int c, int h, int w, int dy, int dx, float[] scratch) {
        if (dy == 0 && dx == 0) return;
        int size = c * h * w;
        System.arraycopy(data, off, scratch, 0, size);
        java.util.Arrays.fill(data, off, off + size, 0f);
        int x0 = Math.max(0, dx), x1 = Math.min(w, w + dx);
        if (x0 >= x1) return;
        for (int ch = 0; ch < c; ch++) {
            for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
                System.arraycopy(scratch, (ch * h + y - dy) * w + x0 - dx, data, off + (ch * h + y) * w + x0, x1 - x0);
            }
        }
    }

    /** Mirrors one sample (C, H, W) at {@code off} left to right. */
    public static void flipHorizontal(float[] data, int off, int c, int h, int w) {
        for (int row = 0; row < c * h; row++) {
            int a = off + row * w, b = a + w - 1;
            while (a < b) {
                float t = data[a];
                data[a++] = data[b];
                data[b--] = t;
            }
        }
    }

    @Override
    public String toString() {
        if (isNone()) return "none";
        if (maxShift == 0) return "flip";
        return "shift=" + maxShift + (flip ? ",flip" : "");
    }
}
