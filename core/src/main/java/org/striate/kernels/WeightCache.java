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
    /**
     * Floats of source copies and layouts a thread keeps at most (256 MB); past that it starts again.
     * Training resnet18 keeps about 52 M: its 3×3 stride-1 layers' Winograd weights (16/9 of theirs)
     * with copies, once for the forward pass and once, flipped, for the input gradient.
     */
    private static final long MAX_FLOATS = 64L << 20;
    private static final ThreadLocal<WeightCache> MINE = ThreadLocal.withInitial(WeightCache::new);
    private static final WeakReference<float[]> NOT_FIXED = new WeakReference<>(null);
    /** Arrays whose contents will not change again; weak, so a dropped model's weights can go. */
    private static final Map<float[], Boolean> FIXED = Collections.synchronizedMap(new WeakHashMap<>());

    /** The weights as they were (copy) and laid out; key, offset and kind say whose and which layout. */
    private static final class Entry {
        Object key;
        int off;
        Kind kind;
        boolean stale;
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
     * A convolution's w (rows, cols) at wOff transposed to (cols, ld), as {@link LaneTranspose#transpose}
     * writes it (rows a multiple of the vector length, zeros after them); made again only when those
     * weights have changed.
     */
    float[] transposed(ConvGeometry g, float[] w, int wOff, int rows, int cols, int ld) {
        return laidOut(g, w, wOff, rows, cols, ld);
    }

    /**
     * A 3×3 convolution's weights transformed for {@link WinogradConv} (16 packed blocks); made again only
     * when those weights have changed. A layer can keep this and the transposed layout side by side
     * (batch 1 takes the channel-lane tiles, whole batches this).
     */
    float[] winograd(ConvGeometry g, float[] w, int wOff) {
        Entry e = entry(g, Kind.WINOGRAD, w, wOff, g.weightSize(), WinogradConv.weightsSize(g));
        if (e.stale) WinogradConv.transformWeights(g, w, wOff, Scratch.get().winogradProducts(WinogradConv.scratchSize(g)), e.layout);
        e.stale = false;
        return e.layout;
    }

    /**
     * A 3×3 convolution's weights transformed for {@link WinogradLaneConv} (16 blocks of panels of
     * output channels); made again only when those weights have changed.
     */
    float[] winogradLanes(ConvGeometry g, float[] w, int wOff) {
        Entry e = entry(g, Kind.WINOGRAD_LANES, w, wOff, g.weightSize(), WinogradLaneConv.weightsSize(g));
        if (e.stale) WinogradLaneConv.transformWeights(g, w, wOff, Scratch.get().winogradProducts(WinogradConv.scratchSize(g)), e.layout);
        e.stale = false;
        return e.layout;
    }

    /** A 3×3 convolution's weights transformed for {@link Winograd4Conv}; made again only when those weights have changed. */
    float[] winograd4(ConvGeometry g, float[] w, int wOff) {
        Entry e = entry(g, Kind.WINOGRAD4, w, wOff, g.weightSize(), Winograd4Conv.weightsSize(g));
        if (e.stale) Winograd4Tiles.transformWeights(g, w, wOff, Scratch.get().winogradProducts(WinogradWeights.tapsSize(g.inC() * g.outC())), e.layout);
        e.stale = false;
        return e.layout;
    }

    /** A strided convolution's weights arranged for {@link ChannelsLastConv}; made again only when those weights have changed. */
    float[] channelsLast(ConvGeometry g, float[] w, int wOff) {
        Entry e = entry(g, Kind.CHANNELS_LAST, w, wOff, g.weightSize(), g.weightSize());
        if (e.stale) ChannelsLastConv.arrange(g, w, wOff, e.layout);
        e.stale = false;
        return e.layout;
    }

    /**
     * A convolution's weights packed whole for GEMM's register tile, each group's block after the one
     * before ({@link SimdGemmPacking#packWhole}), as the im2col, shifted-view and gathered products read
     * them; made again only when those weights have changed. Packing resnet18's 256 → 512 shortcut
     * took about a third of its batch-1 call.
     */
    float[] packed(ConvGeometry g, float[] w, int wOff) {
        int kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup(), per = packedPerGroup(g);
        Entry e = entry(g, Kind.PACKED, w, wOff, g.weightSize(), per * g.groups());
        if (e.stale) {
            for (int gi = 0; gi < g.groups(); gi++) SimdGemmPacking.packWhole(false, og, kg, w, wOff + gi * og * kg, kg, e.layout, gi * per);
        }
        e.stale = false;
        return e.layout;
    }

    /** Floats of one group's block in {@link #packed}: the offset from one group's weights to the next's. */
    static int packedPerGroup(ConvGeometry g) {
        return SimdGemmPacking.packedSize(g.outPerGroup(), g.inPerGroup() * g.kH() * g.kW());
    }

    /**
     * A dense layer's w (rows, cols) at wOff, any rows, transposed to (cols, ld): row c holds column c
     * of w, zeros after its rows values; keyed by the array and offset.
     */
    float[] transposed(float[] w, int wOff, int rows, int cols, int ld) {
        return laidOut(w, w, wOff, rows, cols, ld);
    }

    /** w (rows, cols) at wOff transposed to (cols, ld), found by key and offset. */
    float[] laidOut(Object key, float[] w, int wOff, int rows, int cols, int ld) {
        Entry e = entry(key, Kind.TRANSPOSED, w, wOff, rows * cols, cols * ld);
        if (e.stale) transpose(w, wOff, rows, cols, e.layout, ld);
        e.stale = false;
        return e.layout;
    }

    /**
     * A dense layer's w (rows, cols) at wOff in panels of {@link ChannelLaneDense}'s tiles' units
     * ({@link ChannelLaneDense#arrange}); keyed by the array and offset.
     */
    float[] panels(float[] w, int wOff, int rows, int cols) {
        Entry e = entry(w, Kind.PANELS, w, wOff, rows * cols, ChannelLaneDense.paddedUnits(rows) * cols);
        if (e.stale) ChannelLaneDense.arrange(w, wOff, rows, cols, e.layout);
        e.stale = false;
        return e.layout;
    }

    /** The layouts an entry can hold. */
    private enum Kind { TRANSPOSED, PANELS, WINOGRAD, WINOGRAD_LANES, WINOGRAD4, CHANNELS_LAST, PACKED }

    /** w (rows, cols) at wOff transposed to (cols, ld); the floats past rows are left as they are. */
    private static void transpose(float[] w, int wOff, int rows, int cols, float[] dst, int ld) {
        if (rows % SimdGemm.L == 0) {
            LaneTranspose.transpose(w, wOff, rows, cols, dst, ld);
        } else {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) dst[c * ld + r] = w[wOff + r * cols + c];
            }
        }
    }

    /**
     * The entry for these weights in this layout, {@code stale} when its layout must be written again
     * (new, or the weights changed; its copy already holds them).
     */
    private Entry entry(Object key, Kind kind, float[] w, int wOff, int size, int laidOut) {
        Entry e = find(key, wOff, kind);
        boolean fits = e != null && e.copy.length == size && e.layout.length == laidOut;
        if (fits && e.fixedSource.get() == w) return e; // made from this array once it was fixed
        if (fits && Arrays.equals(w, wOff, wOff + size, e.copy, 0, size)) return e;
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
            e.kind = kind;
            e.copy = new float[size];
            e.layout = new float[laidOut]; // the gaps a layout leaves stay zero
            entries.add(e);
            floats += size + laidOut;
        }
        System.arraycopy(w, wOff, e.copy, 0, size);
        e.fixedSource = isFixed(w) ? new WeakReference<>(w) : NOT_FIXED; // no allocation while training
        e.stale = true;
        return e;
    }

    private Entry find(Object key, int off, Kind kind) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.key == key && e.off == off && e.kind == kind) return e;
        }
        return null;
    }
}
