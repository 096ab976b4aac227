package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input gradient of a strided convolution with the input channels last. Per sample, the product
 * C = dyᵀ · W' is taken with the output positions as rows and the taps as columns, each tap's input
 * channels side by side (W' = the weights so arranged, {@link #arrange}); a position's share of an
 * input cell is then a run of whole vectors of channels, added onto a channels-last copy of dx, which
 * is turned to channels-first once at the end ({@link LaneTranspose#toChannelsFirst}).
 *
 * <p>col2im's way ({@link Im2colConv}) takes the product the other way round, (taps · channels) ×
 * positions, and adds its entries back one float at a time, two apart at stride 2: on resnet8's
 * stride-2 layers that scatter took a third of the pass, and the positions (49 on its last stage) made
 * a GEMM of one whole panel and one column one float wide. Here the columns are taps × channels (288
 * and 576 there, whole panels) and the adding is by vectors.
 */
final class ChannelsLastInputGrad {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private ChannelsLastInputGrad() {}

    /**
     * A kernel of more than one tap, one group, input channels in whole vectors of 16 or 8, a
     * sample to each thread (the pass does not split a sample over the pool). A 1×1 kernel's col2im
     * is a single scatter of each entry, faster than the turn between layouts here: resnet8's 1×1
     * stride-2 shortcuts, batch 64, two threads, 0.49 ms against 0.68. On AVX2 too (8 floats): resnet8's
     * stride-2 layers, batch 64, two threads, one JVM, calls taking turns with col2im's way, medians of
     * 20: 32 → 64 channels 5.2–5.9 → 4.1–4.8 ms, 64 → 128 5.2–6.5 → 4.5–5.5 ms.
     */
    static boolean applies(ConvGeometry g, int batch, int threads) {
        return LaneTranspose.applies() && g.kH() * g.kW() > 1 && g.groups() == 1 && g.inC() % L == 0 && batch >= threads;
    }

    /** dst (the layer's weight size) [o][(l·kW + m)·inC + c] = w[wOff + ((o·inC + c)·kH + l)·kW + m]: each tap's input channels side by side. */
    static void arrange(ConvGeometry g, float[] w, int wOff, float[] dst) {
        int in = g.inC(), taps = g.kH() * g.kW(), kg = in * taps;
        for (int o = 0; o < g.outC(); o++) {
            for (int c = 0; c < in; c++) {
                int src = wOff + (o * in + c) * taps, row = o * kg + c;
                for (int t = 0; t < taps; t++) dst[row + t * in] = w[src + t];
            }
        }
    }

    /** dx of sample n (written, not added to) from dy, with the weights as {@link #arrange} lays them out. */
    static void sample(ConvGeometry g, int n, float[] dy, float[] arranged, float[] dx) {
        int in = g.inC(), out = g.outC(), oh = g.outH(), ow = g.outW(), spatial = oh * ow, kg = in * g.kH() * g.kW();
        int h = g.inH(), w = g.inW();
        Scratch s = Scratch.get();
        // A = dyᵀ: dy's rows (one per output channel) are A's columns
        float[] ap = s.packA(SimdGemmPacking.packedSize(spatial, out));
        SimdGemmPacking.packTransposedRows(spatial, out, 0, out, dy, n * g.outSize(), spatial, ap, 0);
        int[] rows = SimdGemm.strided(s.convRows(out), out, 0, kg);
        float[] product = s.col(spatial * kg);
        SimdGemm.multiplyPacked(spatial, 0, kg, out, ap, 0, arranged, rows, 0f, product, 0, kg);
        float[] cells = s.channelsLast(h * w * in);
        Arrays.fill(cells, 0, h * w * in, 0f);
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                int from = (i * ow + j) * kg;
                for (int l = 0; l < g.kH(); l++) {
                    int r = i * g.strideH() - g.padH() + l * g.dilH();
                    if (r < 0 || r >= h) continue;
                    for (int m = 0; m < g.kW(); m++) {
                        int q = j * g.strideW() - g.padW() + m * g.dilW();
                        if (q < 0 || q >= w) continue;
                        // a call, not vectors written out in this loop nest: in one test order C2 left
                        // them here to their allocating Java fallback (31 MB a resnet8 training step)
                        SimdKernels.addInto(cells, (r * w + q) * in, product, from + (l * g.kW() + m) * in, in);
                    }
                }
            }
        }
        LaneTranspose.toChannelsFirst(cells, 0, h * w, in, 0, in, null, 0, false, dx, n * g.inSize(), h * w);
    }
}
