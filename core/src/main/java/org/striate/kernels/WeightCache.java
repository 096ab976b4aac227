package org.striate.kernels;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A thread's laid-out copies of layer weights, so that inference lays them out once rather than on
 * every call: transposing resnet8's last 3×3 layer takes about 90 µs, its batch-1 product about as
 * much, and resnet18's 512-channel layers cost about a millisecond a call at batch 8; a dense layer's
 * inference slice reads them transposed too (fashion-cnn's 3136 → 128 layer, 128 rows, by GEMM: 0.79
 * ms against 1.03 ms when each call packed them; on the channel-lane tiles, with units padded to whole
 * tiles, 0.69–0.73 ms). An entry is found by what the layer keeps from call to
 * call (a convolution's geometry object, a dense layer's parameter array and offset) and used only
 * while the weights still equal the copy it was made from, checked in full on every call (about 14 µs
 * for resnet8's layer, a vectorised comparison), so weights changed by training or loading are never
 * missed. In training the comparison stops at the first changed weight, and the cost of an entry is
 * one copy of the weights beside their layout.
 *
 * <p>Weights read from an array declared {@link #fix fixed} (a model copied for inference alone) skip
 * the comparison: the layout made from that very array is used as it is. At batch 1 the comparison
 * and the memory it reads were a tenth of resnet8's pass and more of resnet18's (45 MB of weights).
 */
final class WeightCache {
    /** Floats of source copies and layouts a thread keeps at most (128 MB); past that it starts again. */
    private static final long MAX_FLOATS = 32L << 20;
    private static final ThreadLocal<WeightCache> MINE = ThreadLocal.withInitial(WeightCache::new);
    private static final WeakReference<float[]> NOT_FIXED = new WeakReference<>(null);
    /** Arrays whose contents will not change again; weak, so a dropped model's weights can go. */
    private static final Map<float[], Boolean> FIXED = Collections.synchronizedMap(new WeakHashMap<>());

    /** The weights as they were (copy) and laid out; key and offset say whose. */
    private static final class Entry {
        Object key;
        int off;
        float[] copy, layout;
        /** The array the entry was made from when it was already fixed; else empty. */
        WeakReference<float[]> fixedSource;
    }

    /** Few entries (one per layer that asks), searched by identity. */
    private final List<Entry> entries = new ArrayList<>();
    private long floats;

    static WeightCache mine() { return MINE.get(); }

    /** Declares that {@code array}'s contents will not change from now on (see {@link Kernels#fixWeights}). */
    static void fix(float[] array) { FIXED.put(array, Boolean.TRUE); }

    static boolean isFixed(float[] array) { return FIXED.containsKey(array); }

    /**
     * A convolution's w (rows, cols) at wOff transposed to (cols, ld), as {@link ChannelLaneConv#transpose}
     * writes it (rows a multiple of the vector length, zeros after them); made again only when those
     * weights have changed.
     */
    float[] transposed(ConvGeometry g, float[] w, int wOff, int rows, int cols, int ld) {
        return laidOut(g, w, wOff, rows, cols, ld);
    }

    /**
     * A dense layer's w (rows, cols) at wOff, any rows, transposed to (cols, ld): row c holds column c
     * of w, zeros after its rows values; keyed by the array and offset.
     */
    float[] transposed(float[] w, int wOff, int rows, int cols, int ld) {
        return laidOut(w, w, wOff, rows, cols, ld);
    }

    float[] laidOut(Object key, float[] w, int wOff, int rows, int cols, int ld) {
        int size = rows * cols, laidOut = cols * ld;
        Entry e = find(key, wOff);
        boolean fits = e != null && e.copy.length == size && e.layout.length == laidOut;
        if (fits && e.fixedSource.get() == w) return e.layout; // made from this array once it was fixed
        if (fits && Arrays.equals(w, wOff, wOff + size, e.copy, 0, size)) return e.layout;
        if (!fits) {
            if (e != null) {
                entries.remove(e);
                floats -= e.copy.length + e.layout.length;
            }
            if (floats + size + laidOut > MAX_FLOATS) {
                entries.clear();
                floats = 0;
            }
            e = new Entry();
            e.key = key;
            e.off = wOff;
            e.copy = new float[size];
            e.layout = new float[laidOut]; // the columns past rows stay zero
            entries.add(e);
            floats += size + laidOut;
        }
        System.arraycopy(w, wOff, e.copy, 0, size);
        e.fixedSource = isFixed(w) ? new WeakReference<>(w) : NOT_FIXED; // no allocation while training
        if (rows % SimdGemm.L == 0) {
            ChannelLaneConv.transpose(w, wOff, rows, cols, e.layout, ld);
        } else {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) e.layout[c * ld + r] = w[wOff + r * cols + c];
            }
        }
        return e.layout;
    }

    private Entry find(Object key, int off) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.key == key && e.off == off) return e;
        }
        return null;
    }
}
