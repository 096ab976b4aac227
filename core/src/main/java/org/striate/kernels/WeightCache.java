package org.striate.kernels;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A thread's laid-out copies of convolution weights, so that inference lays them out once rather than
 * on every call: transposing resnet8's last 3×3 layer takes about 90 µs, its batch-1 product about as
 * much, and resnet18's 512-channel layers cost about a millisecond a call at batch 8. An entry is
 * looked up by the layer's geometry (a layer keeps its geometry object) and used only while the
 * weights still equal the copy it was made from, checked in full on every call (about 14 µs for
 * resnet8's layer, a vectorised comparison), so weights changed by training or loading are never
 * missed. In training the comparison stops at the first changed weight, and the cost of an entry is
 * one copy of the weights beside their layout.
 */
final class WeightCache {
    /** Floats of source copies and layouts a thread keeps at most (128 MB); past that it starts again. */
    private static final long MAX_FLOATS = 32L << 20;
    private static final ThreadLocal<WeightCache> MINE = ThreadLocal.withInitial(WeightCache::new);

    private final Map<ConvGeometry, float[][]> entries = new IdentityHashMap<>();
    private long floats;

    static WeightCache mine() { return MINE.get(); }

    /**
     * w (rows, cols) at wOff transposed to (cols, rows), as {@link ChannelLaneConv#transpose} writes it;
     * made again only when those weights have changed.
     */
    float[] transposed(ConvGeometry g, float[] w, int wOff, int rows, int cols) {
        int size = rows * cols;
        float[][] e = entries.get(g);
        if (e != null && e[0].length == size && Arrays.equals(w, wOff, wOff + size, e[0], 0, size)) return e[1];
        if (e == null || e[0].length != size) {
            if (floats + 2L * size > MAX_FLOATS) {
                entries.clear();
                floats = 0;
            }
            e = new float[][] {new float[size], new float[size]};
            entries.put(g, e);
            floats += 2L * size;
        }
        System.arraycopy(w, wOff, e[0], 0, size);
        ChannelLaneConv.transpose(w, wOff, rows, cols, e[1]);
        return e[1];
    }
}
