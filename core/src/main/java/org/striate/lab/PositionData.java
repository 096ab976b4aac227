package org.striate.lab;

import java.util.Random;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.tensor.Tensor;

/**
 * A data set where position is the label: every image shows the same 3×3 pattern (a cross with a
 * hollow centre) on a noisy background, and the class is the quadrant it sits in. A shift-invariant
 * model (convolution then global average pooling) sees the same thing in all four classes and can do
 * no better than chance; a model without parameter sharing (locally connected) can tell them apart.
 *
 * <p>The pattern sits in the middle of its quadrant, at least {@link #MARGIN} pixels from every
 * border, so that a shallow convolution cannot read the position from its zero padding either.
 */
public final class PositionData {
    public static final String[] CLASSES = {"top-left", "top-right", "bottom-left", "bottom-right"};
    /** Pixels between the pattern and the nearest image border. */
    public static final int MARGIN = 4;
    private static final float[][] PATTERN = {{0, 1, 0}, {1, 0, 1}, {0, 1, 0}};
    /** Background noise is uniform in [0, NOISE). */
    public static final float NOISE = 0.3f;

    private PositionData() {}

    /** Side length of the square images; the two pattern positions per axis are 9 pixels apart. */
    public static final int SIZE = 20;

    /** {@code n} images (1, SIZE, SIZE) with balanced classes in a seeded random order. */
    public static Dataset generate(int n, long seed) {
        if (n <= 0) throw new StriateException("Invalid value for argument `samples`. Expected a strictly positive value. Received samples=" + n + ".");
        Random rng = new Random(seed);
        Tensor images = new Tensor(n, 1, SIZE, SIZE);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES.length;
            for (int p = 0; p < SIZE * SIZE; p++) images.data[i * SIZE * SIZE + p] = rng.nextFloat() * NOISE;
        }
        shuffle(labels, rng);
        for (int i = 0; i < n; i++) {
            int[] at = corner(labels[i]);
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    if (PATTERN[r][c] > 0) images.set(PATTERN[r][c], i, 0, at[0] + r, at[1] + c);
                }
            }
        }
        return new Dataset(images, labels, CLASSES.clone());
    }

    /** Top-left pixel of the pattern for a class: row and column, each MARGIN from the near border. */
    public static int[] corner(int label) {
        int far = SIZE - MARGIN - 3;
        return new int[] {label / 2 == 0 ? MARGIN : far, label % 2 == 0 ? MARGIN : far};
    }

    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
