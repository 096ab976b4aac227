package org.striate.spark;

import java.io.Serializable;
import org.striate.data.Dataset;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * One worker's fixed part of the training data: the samples whose index i has i mod k = rank, in
 * index order. Held in a cached RDD partition; never changed after it is made.
 */
public record Shard(int rank, int[] sampleShape, float[] images, int[] labels, String[] classNames) implements Serializable {

    /** Samples in the shard of {@code rank} when {@code total} samples are dealt out to {@code k} workers. */
    public static int size(int total, int k, int rank) { return (total - rank + k - 1) / k; }

    /** The shard of {@code rank} out of {@code k} of an in-memory data set (the reference runs use this). */
    public static Shard of(Dataset data, int k, int rank) {
        int n = size(data.size(), k, rank), per = data.images().sampleSize();
        float[] x = new float[n * per];
        int[] y = new int[n];
        for (int j = 0; j < n; j++) {
            int i = j * k + rank;
            System.arraycopy(data.images().data, i * per, x, j * per, per);
            y[j] = data.labels()[i];
        }
        return new Shard(rank, data.sampleShape(), x, y, data.classNames());
    }

    public int size() { return labels.length; }

    public Dataset dataset() { return new Dataset(Tensor.of(images, Shapes.withBatch(labels.length, sampleShape)), labels, classNames); }
}
