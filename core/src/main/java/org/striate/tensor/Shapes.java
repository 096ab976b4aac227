package org.striate.tensor;

import java.util.Arrays;

/** Small helpers for shapes held as {@code int[]} (per-sample shapes exclude the batch dimension). */
public final class Shapes {
    private Shapes() {}

    /** Number of elements: the product of the dimensions (1 for a scalar shape). */
    public static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new ShapeException("Invalid shape " + str(shape) + ": dimensions must be >= 0.");
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new ShapeException("Shape " + str(shape) + " has " + n + " elements, more than a Java array holds.");
        return (int) n;
    }

    /** "(1, 28, 28)" style, as in the error messages and summaries. */
    public static String str(int... shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** "1x28x28" style, as the command line writes shapes. */
    public static String compact(int... shape) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : "x").append(shape[i]);
        return b.toString();
    }

    /** Prepends the batch dimension to a per-sample shape. */
    public static int[] withBatch(int batch, int[] sample) {
        int[] s = new int[sample.length + 1];
        s[0] = batch;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    public static boolean equal(int[] a, int[] b) { return Arrays.equals(a, b); }
}
