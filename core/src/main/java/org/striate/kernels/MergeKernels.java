package org.striate.kernels;

/**
 * The loops of graph models: adding tensors (Add, and summing the gradients of a tensor that feeds
 * several nodes) and copying channel blocks (Concat). Memory-bound loops that the JIT vectorises as
 * written.
 */
public final class MergeKernels {
    private MergeKernels() {}

    /** y[i] = a[i] + b[i] for i < n (y may be a or b). */
    public static void add(int n, float[] a, float[] b, float[] y) {
        for (int i = 0; i < n; i++) y[i] = a[i] + b[i];
    }

    /** y[i] = max(a[i] + b[i], 0) for i < n (y may be a or b). */
    public static void addRelu(int n, float[] a, float[] b, float[] y) {
        for (int i = 0; i < n; i++) y[i] = Math.max(a[i] + b[i], 0f);  // as ReLU: a NaN stays NaN
    }

    /** y[i] += x[i] for i < n. */
    public static void accumulate(int n, float[] x, float[] y) {
        for (int i = 0; i < n; i++) y[i] += x[i];
    }

    /**
     * Copies each sample's {@code part} floats of {@code x} into {@code y}, whose samples are
     * {@code whole} floats long, at offset {@code at}: one input's channels into a concatenation.
     */
    public static void copyInto(int batch, float[] x, int part, float[] y, int whole, int at) {
        for (int n = 0; n < batch; n++) System.arraycopy(x, n * part, y, n * whole + at, part);
    }

    /** The inverse of {@link #copyInto}: each sample's slice [at, at + part) of {@code y} into {@code x}. */
    public static void copyOut(int batch, float[] y, int whole, int at, float[] x, int part) {
        for (int n = 0; n < batch; n++) System.arraycopy(y, n * whole + at, x, n * part, part);
    }
}
