package org.striate.data;

import java.util.Random;
import org.striate.tensor.Tensor;

/**
 * Stand-ins for Fashion-MNIST garments in tests: 28×28 filled ellipses of random shape, one brightness
 * per class (0.3 + 0.3·class), so even a tiny convolutional model can tell the classes apart pixel by pixel.
 */
public final class SyntheticGarments {
    private SyntheticGarments() {}

    public static Dataset make(int n, int classes, long seed) {
        Random rng = new Random(seed);
        Tensor x = new Tensor(n, 1, 28, 28);
        int[] labels = new int[n];
        String[] names = new String[classes];
        for (int c = 0; c < classes; c++) names[c] = "shape" + c;
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            double rx = 6 + rng.nextInt(7), ry = 6 + rng.nextInt(7), v = 0.3 + 0.3 * labels[i];
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    double dx = (c - 13.5) / rx, dy = (r - 13.5) / ry;
                    if (dx * dx + dy * dy <= 1) x.data[i * 784 + r * 28 + c] = (float) v;
                }
            }
        }
        return new Dataset(x, labels, names);
    }
}
