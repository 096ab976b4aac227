package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 forward convolution of an input with few channels (a network's first layer) whose output
 * rows are more than one vector and at most two wide (28 × 28 images on 16 lanes; with 16 registers,
 * more than two and at most four, {@link #minWidth}): each output row of
 * {@value #CHANNELS} output channels is held in registers as two vectors a channel, the first L columns
 * and the last L (they overlap, and the columns in both get the same sums), and stored straight into
 * the output. Each tap loads the two input vectors under them from the sample's zero-bordered copy,
 * shared by the {@value #CHANNELS} channels, and broadcasts each channel's weight.
 *
 * <p>The shifted-view product ({@link SimdConv}) computes such a layer over the padded width into a
 * buffer and then copies the valid columns out, and with a reduction of 9 (one channel, 3 × 3) its
 * GEMM tiles spend as long loading and storing as multiplying; here the output is written once, by
 * whole vectors.
 */
final class WideRowConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** Output channels a pass over a row holds: 16 accumulators, two input vectors and a weight in registers. */
    static final int CHANNELS = 8;
    /** Input channels at most: one (grey) or three (colour) images. */
    static final int MAX_IN = 3;

    private WideRowConv() {}

    /**
     * Stride and dilation 1, one group, at most {@link #MAX_IN} input channels, output channels in
     * whole blocks of {@value #CHANNELS}, output rows longer than {@link #minWidth} and at most twice
     * that. On 32 vector registers, against the shifted-view product, two threads, calls taking turns
     * in one JVM, medians of 10: resnet8's first layer (1 → 32 channels, 3 × 3, 28 × 28) at batch 256 3,237 → 1,387 µs, at
     * batch 64 535 → 265; 16 channels (unet-small's) 240 → 139; 5 × 5 kernels 866 → 611; three
     * channels of 32 × 32 to 32, 929 → 715, and with 5 × 5 kernels to 24, 1,509 → 1,333. Output
     * channels in whole tiles of {@link ChannelLaneConv} stay there (not compared).
     */
    static boolean applies(ConvGeometry g) {
        return g.groups() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.dilH() == 1 && g.dilW() == 1
                && g.inC() <= MAX_IN && g.outC() % CHANNELS == 0 && g.outW() > minWidth() && g.outW() <= 2 * minWidth();
    }

    /**
     * Output rows are longer than this and at most twice as long: one vector on 32 registers; two on 16
     * (AVX2, 28 × 28 images on 8 lanes), where a pass holds two channels' rows as four vectors each
     * ({@link #rowOfPair}): 8 accumulators, four input vectors and a weight. Against the shifted-view
     * product on AVX2, two threads, calls taking turns in one JVM, medians of 20: resnet8's first layer
     * (1 → 32, 3 × 3, 28 × 28) at batch 256 2.92–2.96 → 2.14–2.19 ms, at batch 64 0.74–0.88 → 0.46 ms,
     * at batch 1 23.1–23.4 → 13.8–14.3 µs; 16 channels at batch 256 1.47–1.48 → 0.95 ms.
     */
    static int minWidth() { return SimdGemm.LARGE_TILE ? L : 2 * L; }

    /**
     * Whether a forward pass of this batch on this many threads runs here: {@link #applies}, output
     * channels that are not whole tiles of {@link ChannelLaneConv}, and a sample a thread, or samples
     * small enough that the shifted-view product would not split them over the threads either (below
     * {@link SimdConv#SPLIT_MACS}): resnet8's first layer at batch 1 14.5 → 8.1 µs, unet-small's 7.1 →
     * 4.0 (10 of 10 each). A larger single sample keeps the shifted-view product's split by rows.
     */
    static boolean takes(ConvGeometry g, int batch, int threads) {
        return applies(g) && (batch >= threads || g.macs() < SimdConv.SPLIT_MACS) && !ChannelLaneConv.appliesForward(g, batch, threads);
    }

    static int packedSize(ConvGeometry g) {
        return g.outC() * g.inC() * g.kH() * g.kW();
    }

    /** packed[(b·k + t)·CHANNELS + j] = w[b·CHANNELS + j][t] for tap t of k = inC·kH·kW: a tap's weights of a block side by side. */
    static void pack(ConvGeometry g, float[] w, int wOff, float[] packed) {
        int k = g.inC() * g.kH() * g.kW();
        for (int o = 0; o < g.outC(); o++) {
            int b = o / CHANNELS, j = o % CHANNELS;
            for (int t = 0; t < k; t++) packed[(b * k + t) * CHANNELS + j] = w[wOff + o * k + t];
        }
    }

    /** Sample n of the batch into y at yOff: max(conv + bias, floor), floor 0 with {@code relu}, else −∞. */
    static void sample(ConvGeometry g, int n, float[] x, float[] packed, float[] bias, int bOff, boolean relu, float[] y, int yOff) {
        int wp = g.inW() + 2 * g.padW(), plane = (g.inH() + 2 * g.padH()) * wp;
        Scratch s = Scratch.get();
        float[] xp = SimdConv.pad(s, x, n * g.inSize(), g.inC(), g.inH(), g.inW(), g.padH(), g.padW(), 0);
        int oh = g.outH(), ow = g.outW(), k = g.inC() * g.kH() * g.kW();
        int[] taps = s.convRows(k);
        SimdConv.shiftedRows(taps, 0, g.inC(), plane, wp, g.kH(), g.kW(), 1, 1);
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int b = 0; b < g.outC() / CHANNELS; b++) {
            int o0 = b * CHANNELS, outAt = yOff + o0 * oh * ow;
            if (!SimdGemm.LARGE_TILE) {
                for (int j = 0; j < CHANNELS; j += 2) {
                    for (int i = 0; i < oh; i++) {
                        rowOfPair(xp, i * wp, ow, taps, k, packed, b * k * CHANNELS + j, bias, bias == null ? -1 : bOff + o0 + j, floor,
                                y, outAt + j * oh * ow + i * ow, oh * ow);
                    }
                }
                continue;
            }
            for (int i = 0; i < oh; i++) {
                row(xp, i * wp, ow - L, taps, k, packed, b * k * CHANNELS, bias, bias == null ? -1 : bOff + o0, floor, y,
                        outAt + i * ow, oh * ow);
            }
        }
    }

    /**
     * {@link #row} for two channels of a row of more than two vectors and at most four (16 registers):
     * columns [0, 2L) and [ow − 2L, ow) as four vectors a channel, the overlap summed alike in both.
     * Weights at packed[wAt + t·CHANNELS …], the pair's first channel's row to y[yAt …], the second's a plane on.
     */
    private static void rowOfPair(float[] xp, int rowAt, int ow, int[] taps, int k, float[] packed, int wAt, float[] bias, int bAt,
                                  float floor, float[] y, int yAt, int plane) {
        boolean none = bAt < 0;
        int third = ow - 2 * L, last = ow - L;
        FloatVector a0 = FloatVector.broadcast(S, none ? 0f : bias[bAt]), c0 = FloatVector.broadcast(S, none ? 0f : bias[bAt + 1]);
        FloatVector a1 = a0, a2 = a0, a3 = a0, c1 = c0, c2 = c0, c3 = c0;
        for (int t = 0, w = wAt; t < k; t++, w += CHANNELS) {
            int at = rowAt + taps[t];
            FloatVector v0 = FloatVector.fromArray(S, xp, at), v1 = FloatVector.fromArray(S, xp, at + L);
            FloatVector v2 = FloatVector.fromArray(S, xp, at + third), v3 = FloatVector.fromArray(S, xp, at + last);
            FloatVector c = FloatVector.broadcast(S, packed[w]);
            a0 = v0.fma(c, a0); a1 = v1.fma(c, a1); a2 = v2.fma(c, a2); a3 = v3.fma(c, a3);
            c = FloatVector.broadcast(S, packed[w + 1]);
            c0 = v0.fma(c, c0); c1 = v1.fma(c, c1); c2 = v2.fma(c, c2); c3 = v3.fma(c, c3);
        }
        a3.max(floor).intoArray(y, yAt + last); a2.max(floor).intoArray(y, yAt + third);
        a1.max(floor).intoArray(y, yAt + L); a0.max(floor).intoArray(y, yAt);
        c3.max(floor).intoArray(y, yAt + plane + last); c2.max(floor).intoArray(y, yAt + plane + third);
        c1.max(floor).intoArray(y, yAt + plane + L); c0.max(floor).intoArray(y, yAt + plane);
    }

    /**
     * One output row of a block of channels: columns [0, L) and [last, last + L) from the padded input
     * row at xp[rowAt + taps[t] …], weights at packed[wAt + t·CHANNELS …]; channel j's row to y[yAt + j·plane].
     * Written out in full: C2 keeps locals in registers, never arrays of vectors.
     */
    private static void row(float[] xp, int rowAt, int last, int[] taps, int k, float[] packed, int wAt, float[] bias, int bAt,
                            float floor, float[] y, int yAt, int plane) {
        boolean none = bAt < 0;
        FloatVector a0 = FloatVector.broadcast(S, none ? 0f : bias[bAt]), a1 = FloatVector.broadcast(S, none ? 0f : bias[bAt + 1]);
        FloatVector a2 = FloatVector.broadcast(S, none ? 0f : bias[bAt + 2]), a3 = FloatVector.broadcast(S, none ? 0f : bias[bAt + 3]);
        FloatVector a4 = FloatVector.broadcast(S, none ? 0f : bias[bAt + 4]), a5 = FloatVector.broadcast(S, none ? 0f : bias[bAt + 5]);
        FloatVector a6 = FloatVector.broadcast(S, none ? 0f : bias[bAt + 6]), a7 = FloatVector.broadcast(S, none ? 0f : bias[bAt + 7]);
        FloatVector e0 = a0, e1 = a1, e2 = a2, e3 = a3, e4 = a4, e5 = a5, e6 = a6, e7 = a7;
        for (int t = 0, w = wAt; t < k; t++, w += CHANNELS) {
            int at = rowAt + taps[t];
            FloatVector head = FloatVector.fromArray(S, xp, at), tail = FloatVector.fromArray(S, xp, at + last);
            FloatVector c = FloatVector.broadcast(S, packed[w]);
            a0 = head.fma(c, a0); e0 = tail.fma(c, e0);
            c = FloatVector.broadcast(S, packed[w + 1]);
            a1 = head.fma(c, a1); e1 = tail.fma(c, e1);
            c = FloatVector.broadcast(S, packed[w + 2]);
            a2 = head.fma(c, a2); e2 = tail.fma(c, e2);
            c = FloatVector.broadcast(S, packed[w + 3]);
            a3 = head.fma(c, a3); e3 = tail.fma(c, e3);
            c = FloatVector.broadcast(S, packed[w + 4]);
            a4 = head.fma(c, a4); e4 = tail.fma(c, e4);
            c = FloatVector.broadcast(S, packed[w + 5]);
            a5 = head.fma(c, a5); e5 = tail.fma(c, e5);
            c = FloatVector.broadcast(S, packed[w + 6]);
            a6 = head.fma(c, a6); e6 = tail.fma(c, e6);
            c = FloatVector.broadcast(S, packed[w + 7]);
            a7 = head.fma(c, a7); e7 = tail.fma(c, e7);
        }
        // columns in both the head and the tail were summed from the same inputs in the same order: stored twice, equal
        int l = last;
        e0.max(floor).intoArray(y, yAt + l); a0.max(floor).intoArray(y, yAt);
        e1.max(floor).intoArray(y, yAt + plane + l); a1.max(floor).intoArray(y, yAt + plane);
        e2.max(floor).intoArray(y, yAt + 2 * plane + l); a2.max(floor).intoArray(y, yAt + 2 * plane);
        e3.max(floor).intoArray(y, yAt + 3 * plane + l); a3.max(floor).intoArray(y, yAt + 3 * plane);
        e4.max(floor).intoArray(y, yAt + 4 * plane + l); a4.max(floor).intoArray(y, yAt + 4 * plane);
        e5.max(floor).intoArray(y, yAt + 5 * plane + l); a5.max(floor).intoArray(y, yAt + 5 * plane);
        e6.max(floor).intoArray(y, yAt + 6 * plane + l); a6.max(floor).intoArray(y, yAt + 6 * plane);
        e7.max(floor).intoArray(y, yAt + 7 * plane + l); a7.max(floor).intoArray(y, yAt + 7 * plane);
    }
}
