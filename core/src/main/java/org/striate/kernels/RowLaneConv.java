package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 convolution with a whole output row in the vector lanes, for maps at most one vector wide
 * and few channels, taken for input gradients: a tile of {@value #ROWS} output rows × {@value #CHANNELS} output channels is held
 * in 24 registers, and each tap adds a row of the zero-bordered input, read at the tap's offset (one
 * vector load per output row, shared by the tile's channels), times the tap's weight of each channel
 * (one broadcast, shared by its rows).
 *
 * <p>This is the shape of the input gradient of LeNet's second convolution (16 → 6 channels, a 14 × 14
 * map): the shifted-view product ({@link SimdConv}) fills its tiles of 8 rows of A with 6 channels and
 * computes each row over the padded width, 18 columns for 14; the channel-lane tiles need 64 channels.
 * Here a row of 14 fills 14 of 16 lanes and every channel of a tile is a real one. (That layer's
 * forward pass, 16 channels 10 wide, ran slower here: 321 against 246 µs, batch 32, one thread.)
 *
 * <p>A last block of rows that would be short overlaps the block before it instead: the rows computed
 * twice are stored twice with the same values. Rows are stored as whole vectors, the lanes past a
 * row's end landing on the next row before it is stored; a channel's last row copied to its length.
 * (A masked store, made per sample, allocated its mask in a lenet5 training step among other models'
 * code: 64 bytes a step in {@code SteadyStateAllocationTest}, though not alone in a probe.)
 */
final class RowLaneConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    static final int ROWS = 4;
    static final int CHANNELS = 6;

    private RowLaneConv() {}

    /**
     * Stride and dilation 1, one group, a row of more than half a vector and at most one, a tile's worth
     * of rows; 32 vector registers (24 accumulators, the loaded rows and a weight). And only where it
     * was measured faster than the shifted-view product: a kernel 5 or more wide (whose padded width
     * the product computes over) and output channels in whole blocks that the product's rows of
     * {@link SimdGemm#MR} do not fill. LeNet's input gradient (16 → 6 channels, 5 × 5, a 14 × 14 map),
     * batch 32, one thread: 389 against 525 µs; 12 channels at 14 × 14, 768 against 1,042. But 8
     * channels 750 against 527, 16 channels 2,252 against 2,072, 9 channels with a 7 × 7 kernel 832
     * against 699, and with 3 × 3 kernels (no padded width to save) 8 channels 295 against 197.
     */
    static boolean applies(ConvGeometry g) {
        return SimdGemm.LARGE_TILE && g.groups() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.dilH() == 1 && g.dilW() == 1
                && g.outW() <= L && 2 * g.outW() > L && g.outH() >= ROWS && g.kW() >= 5
                && g.outC() % CHANNELS == 0 && g.outC() % SimdGemm.MR != 0;
    }

    /** Blocks of {@value #CHANNELS} output channels ({@link #applies} asks for whole ones). */
    private static int blocks(ConvGeometry g) {
        return g.outC() / CHANNELS;
    }

    static int packedSize(ConvGeometry g) {
        return blocks(g) * g.inC() * g.kH() * g.kW() * CHANNELS;
    }

    /** packed[((b·inC + c)·taps + t)·CHANNELS + j] = w[b·CHANNELS + j][c][t]: a tap's weights of a block side by side. */
    static void pack(ConvGeometry g, float[] w, int wOff, float[] packed) {
        int taps = g.kH() * g.kW(), k = g.inC() * taps;
        for (int b = 0; b < blocks(g); b++) {
            int o0 = b * CHANNELS;
            for (int t = 0; t < k; t++) {
                for (int j = 0; j < CHANNELS; j++) packed[(b * k + t) * CHANNELS + j] = w[wOff + (o0 + j) * k + t];
            }
        }
    }

    /**
     * Sample n of x into y (outC, outH, outW) at yOff. No bias and no ReLU: the pass serves input
     * gradients only, as the convolution of dy padded to full ({@link SimdConv#backwardInput}).
     */
    static void sample(ConvGeometry g, int n, float[] x, float[] packed, float[] y, int yOff) {
        int wp = g.inW() + 2 * g.padW(), plane = (g.inH() + 2 * g.padH()) * wp;
        Scratch s = Scratch.get();
        // a row's vector reads L floats from its tap's column: up to L − 1 past the map's last row
        float[] xp = SimdConv.pad(s, x, n * g.inSize(), g.inC(), g.inH(), g.inW(), g.padH(), g.padW(), L);
        int oh = g.outH(), ow = g.outW(), k = g.inC() * g.kH() * g.kW();
        int[] rows = s.convRows(k);
        SimdConv.shiftedRows(rows, 0, g.inC(), plane, wp, g.kH(), g.kW(), 1, 1);
        float[] acc = s.tile(ROWS * CHANNELS * L);
        for (int b = 0; b < blocks(g); b++) {
            int o0 = b * CHANNELS;
            for (int r = 0; r < oh; r += ROWS) {
                int r0 = Math.min(r, oh - ROWS);
                tile(k, xp, rows, r0 * wp, wp, packed, b * k * CHANNELS, acc);
                for (int j = 0; j < CHANNELS; j++) {
                    for (int i = 0; i < ROWS; i++) {
                        int at = yOff + ((o0 + j) * oh + r0 + i) * ow, from = (j * ROWS + i) * L;
                        if (r0 + i < oh - 1) {
                            // a whole vector: past the row's end it writes the next row, which is stored after this one
                            FloatVector.fromArray(S, acc, from).intoArray(y, at);
                        } else {
                            // a channel's last row: the next is another channel's (already written) or past the sample
                            System.arraycopy(acc, from, y, at, ow);
                        }
                    }
                }
            }
        }
    }

    /**
     * acc[(j·ROWS + i)·L …] = Σ over taps t of the input row at xp[rows[t] + base + i·wp …] times the
     * block's weight pk[wOff + t·CHANNELS + j]. Only the loop and its stores: C2 keeps a loop of this
     * size in registers where, with the epilogue in the same method, it boxed every vector.
     */
    private static void tile(int k, float[] xp, int[] rows, int base, int wp, float[] pk, int wOff, float[] acc) {
        FloatVector a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23;
        FloatVector a30, a31, a32, a33, a40, a41, a42, a43, a50, a51, a52, a53;
        a00 = a01 = a02 = a03 = a10 = a11 = a12 = a13 = a20 = a21 = a22 = a23 = FloatVector.zero(S);
        a30 = a31 = a32 = a33 = a40 = a41 = a42 = a43 = a50 = a51 = a52 = a53 = FloatVector.zero(S);
        FloatVector x0, x1, x2, x3, v;
        for (int t = 0; t < k; t++) {
            int p = rows[t] + base, w = wOff + t * CHANNELS;
            x0 = FloatVector.fromArray(S, xp, p); x1 = FloatVector.fromArray(S, xp, p + wp);
            x2 = FloatVector.fromArray(S, xp, p + 2 * wp); x3 = FloatVector.fromArray(S, xp, p + 3 * wp);
            v = FloatVector.broadcast(S, pk[w]);
            a00 = x0.fma(v, a00); a01 = x1.fma(v, a01); a02 = x2.fma(v, a02); a03 = x3.fma(v, a03);
            v = FloatVector.broadcast(S, pk[w + 1]);
            a10 = x0.fma(v, a10); a11 = x1.fma(v, a11); a12 = x2.fma(v, a12); a13 = x3.fma(v, a13);
            v = FloatVector.broadcast(S, pk[w + 2]);
            a20 = x0.fma(v, a20); a21 = x1.fma(v, a21); a22 = x2.fma(v, a22); a23 = x3.fma(v, a23);
            v = FloatVector.broadcast(S, pk[w + 3]);
            a30 = x0.fma(v, a30); a31 = x1.fma(v, a31); a32 = x2.fma(v, a32); a33 = x3.fma(v, a33);
            v = FloatVector.broadcast(S, pk[w + 4]);
            a40 = x0.fma(v, a40); a41 = x1.fma(v, a41); a42 = x2.fma(v, a42); a43 = x3.fma(v, a43);
            v = FloatVector.broadcast(S, pk[w + 5]);
            a50 = x0.fma(v, a50); a51 = x1.fma(v, a51); a52 = x2.fma(v, a52); a53 = x3.fma(v, a53);
        }
        a00.intoArray(acc, 0); a01.intoArray(acc, L); a02.intoArray(acc, 2 * L); a03.intoArray(acc, 3 * L);
        a10.intoArray(acc, 4 * L); a11.intoArray(acc, 5 * L); a12.intoArray(acc, 6 * L); a13.intoArray(acc, 7 * L);
        a20.intoArray(acc, 8 * L); a21.intoArray(acc, 9 * L); a22.intoArray(acc, 10 * L); a23.intoArray(acc, 11 * L);
        a30.intoArray(acc, 12 * L); a31.intoArray(acc, 13 * L); a32.intoArray(acc, 14 * L); a33.intoArray(acc, 15 * L);
        a40.intoArray(acc, 16 * L); a41.intoArray(acc, 17 * L); a42.intoArray(acc, 18 * L); a43.intoArray(acc, 19 * L);
        a50.intoArray(acc, 20 * L); a51.intoArray(acc, 21 * L); a52.intoArray(acc, 22 * L); a53.intoArray(acc, 23 * L);
    }
}
