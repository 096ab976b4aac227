package org.striate.tensor;

import java.util.Arrays;

/**
 * A float32 tensor, batch first (N×C×H×W; N×C×D×H×W for volumes; N×F after a flatten), stored in a
 * flat {@code float[]} in row-major order starting at index 0. The array may be longer than the
 * shape needs: layers keep one buffer and reuse it for smaller batches, so code reads {@link #size()}
 * elements, never {@code data.length}.
 */
public final class Tensor {
    public final float[] data;
    private final int[] shape;
    private final int size;

    public Tensor(int... shape) {
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        this.data = new float[size];
    }

    private Tensor(float[] data, int[] shape, int size) {
        this.data = data;
        this.shape = shape;
        this.size = size;
    }

    /** Wraps {@code data} without copying. */
    public static Tensor of(float[] data, int... shape) {
        int n = Shapes.size(shape);
        if (data.length < n) {
            throw new ShapeException("Cannot view " + data.length + " floats as shape " + Shapes.str(shape)
                    + ", which needs " + n + ".");
        }
        return new Tensor(data, shape.clone(), n);
    }

    /** Same data, another shape with the same number of elements. */
    public Tensor reshape(int... newShape) {
        int n = Shapes.size(newShape);
        if (n != size) {
            throw new ShapeException("Cannot reshape " + Shapes.str(shape) + " (" + size + " elements) to "
                    + Shapes.str(newShape) + " (" + n + " elements).");
        }
        return new Tensor(data, newShape.clone(), n);
    }

    /**
     * A tensor of shape (n, ...sample) on {@code buffer}'s array while it is large enough, else a new
     * one; {@code buffer} itself when it has that shape already (the steady state allocates nothing).
     */
    public static Tensor reuse(Tensor buffer, int n, int[] sample) {
        if (buffer != null && buffer.hasShape(n, sample)) return buffer;
        int[] shape = Shapes.withBatch(n, sample);
        int size = Shapes.size(shape);
        if (buffer != null && buffer.data.length >= size) return Tensor.of(buffer.data, shape);
        return new Tensor(shape);
    }

    private boolean hasShape(int n, int[] sample) {
        if (shape.length != sample.length + 1 || shape[0] != n) return false;
        for (int i = 0; i < sample.length; i++) if (shape[i + 1] != sample[i]) return false;
        return true;
    }

    public int[] shape() { return shape.clone(); }
    public int dim(int i) { return shape[i]; }
    public int rank() { return shape.length; }
    public int size() { return size; }
    /** The first dimension, N. */
    public int batch() { return shape[0]; }
    /** Elements per sample: size / N. */
    public int sampleSize() { return shape[0] == 0 ? 0 : size / shape[0]; }
    /** The shape without the batch dimension. */
    public int[] sampleShape() { return Arrays.copyOfRange(shape, 1, shape.length); }

    public float get(int... index) { return data[offset(index)]; }
    public void set(float v, int... index) { data[offset(index)] = v; }

    private int offset(int[] index) {
        if (index.length != shape.length) {
            throw new ShapeException("Index of rank " + index.length + " for a tensor of shape " + Shapes.str(shape) + ".");
        }
        int o = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new ShapeException("Index " + Arrays.toString(index) + " out of bounds for shape " + Shapes.str(shape) + ".");
            }
            o = o * shape[i] + index[i];
        }
        return o;
    }

    /** A copy with its own storage of exactly {@link #size()} floats. */
    public Tensor copy() {
        return new Tensor(Arrays.copyOf(data, size), shape.clone(), size);
    }

    /** Samples [from, to) along the batch dimension, copied. */
    public Tensor slice(int from, int to) {
        int per = sampleSize();
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(Arrays.copyOfRange(data, from * per, to * per), s, (to - from) * per);
    }

    public void fill(float v) { Arrays.fill(data, 0, size, v); }

    @Override
    public String toString() { return "Tensor" + Shapes.str(shape); }
}
