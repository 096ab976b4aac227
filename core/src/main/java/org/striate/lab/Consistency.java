package org.striate.lab;

import java.util.Random;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * Classification consistency (Zhang 2019): the share of test images whose predicted class is the
 * same under two random shifts. It needs no labels and ignores whether the class is right: it asks
 * only whether moving the image changes the answer. A model whose output depends on the image
 * content alone, wherever it is, scores 1.
 */
public final class Consistency {
    private Consistency() {}

    /**
     * For image i, shifts[i] = {dy1, dx1, dy2, dx2}: the two placements compared. Shifts use zero fill.
     * Returns the share of images predicted the same way in both placements.
     */
    public static double of(Graph model, Dataset test, int[][] shifts) {
        if (shifts.length != test.size()) {
            throw new StriateException("Expected one shift pair per test image (" + test.size() + "); received " + shifts.length + ".");
        }
        Invariance.check(model, test, 0);
        Tensor first = new Tensor(test.images().shape()), second = new Tensor(test.images().shape());
        int per = test.images().sampleSize();
        for (int i = 0; i < test.size(); i++) {
            int[] s = shifts[i];
            Tensor one = test.images().slice(i, i + 1);
            System.arraycopy(Shifts.shift(one, s[0], s[1]).data, 0, first.data, i * per, per);
            System.arraycopy(Shifts.shift(one, s[2], s[3]).data, 0, second.data, i * per, per);
        }
        int[] a = Invariance.predictedClasses(model, first), b = Invariance.predictedClasses(model, second);
        int same = 0;
        for (int i = 0; i < a.length; i++) if (a[i] == b[i]) same++;
        return (double) same / a.length;
    }

    /** Two independent shifts per image, each (dy, dx) uniform in [−K, K]², drawn from {@code seed}. */
    public static int[][] randomShifts(int n, int maxShift, long seed) {
        Random rng = new Random(seed);
        int[][] s = new int[n][4];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) s[i][j] = rng.nextInt(2 * maxShift + 1) - maxShift;
        }
        return s;
    }

    public static double random(Graph model, Dataset test, int maxShift, long seed) {
        Invariance.check(model, test, maxShift);
        return of(model, test, randomShifts(test.size(), maxShift, seed));
    }
}
