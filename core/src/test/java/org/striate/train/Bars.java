package org.striate.train;

import java.util.Random;
import org.striate.data.Dataset;
import org.striate.tensor.Tensor;

/**
 * A tiny generated task: 8×8 grey images holding one bar, horizontal (class 0) or vertical (class 1),
 * of length 5 or 6 at a random row or column and offset, with bar brightness 0.7–1 over background
 * noise 0–0.3.
 */
final class Bars {
    static final int SIZE = 8;

    private Bars() {}

    static Dataset make(int n, long seed) {
        Random r = new Random(seed);
        Tensor images = new Tensor(n, 1, SIZE, SIZE);
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            int off = s * SIZE * SIZE;
            for (int i = 0; i < SIZE * SIZE; i++) images.data[off + i] = r.nextFloat() * 0.3f;
            boolean vertical = r.nextBoolean();
            labels[s] = vertical ? 1 : 0;
            int line = r.nextInt(SIZE), length = 5 + r.nextInt(2), start = r.nextInt(SIZE - length + 1);
            for (int k = start; k < start + length; k++) {
                int row = vertical ? k : line, col = vertical ? line : k;
                images.data[off + row * SIZE + col] = 0.7f + r.nextFloat() * 0.3f;
            }
        }
        return new Dataset(images, labels, new String[] {"horizontal", "vertical"});
    }
}
