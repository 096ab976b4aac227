package org.striate.kernels;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A thread's laid-out copies of convolution weights for small batches (batch-1 latency), where laying
 * them out on every call costs more than the arithmetic: transposing resnet8's last 3×3 layer takes
 * about 90 µs, its batch-1 product about as much. An entry is looked up by the layer's geometry (a
 * layer keeps its geometry object) and used only while the weights still equal the copy it was made
 * from, checked in full on every call (about 14 µs for that layer, a vectorised comparison), so
 * weights changed by training or loading are never missed. Larger batches lay the weights out per
 * call as before: the cost is shared by every sample and training would only churn the cache.
 */
final class WeightCache {
    /** Floats of source copies and layouts a thread keeps at most (128 MB); past that it starts again. */
    private static final long MAX_FLOATS = 32L << 20;
    private static final ThreadLocal<WeightCache> MINE = ThreadLocal.withInitial(WeightCache::new);

    private final Map<ConvGeometry, float[][]> entries = new IdentityHashMap<>();
    private long floats;

    static WeightCache mine() { return MINE.get(); }

    /** What {@code layout} writes for w[wOff, wOff + size), made again only when those weights have changed. */
    float[] laidOut(ConvGeometry g, float[] w, int wOff, int size, int laidOutSize, Layout layout) {
        float[][] e = entries.get(g);
        if (e != null && Arrays.equals(w, wOff, wOff + size, e[0], 0, size)) return e[1];
        if (e == null || e[0].length != size || e[1].length != laidOutSize) {
            if (floats + size + laidOutSize > MAX_FLOATS) {
                entries.clear();
                floats = 0;
            }
            e = new float[][] {new float[size], new float[laidOutSize]};
            entries.put(g, e);
            floats += size + laidOutSize;
        }
        System.arraycopy(w, wOff, e[0], 0, size);
        layout.write(w, wOff, e[1]);
        return e[1];
    }

    /** Writes the laid-out weights of w at wOff into {@code out}. */
    interface Layout { void write(float[] w, int wOff, float[] out); }
}
