package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 convolution forward with output channels in the vector lanes: a tile of {@link #PR}
 * output positions × {@link #CB} output channels is held in registers, and each tap adds
 * x[c, i+l, j+m] (one broadcast per position) times the packed weights of that tap (four vector
 * loads). Positions are whole output pixels, so no lane is spent on padding columns, which the
 * shifted-view product ({@link SimdConv}) pays for when the output width is not a multiple of the
 * vector length (14 of 16 lanes on Fashion-MNIST's second convolution).
 *
 * <p>The tile is laid out (positions, channels); each sample is turned back to (channels, positions)
 * at the end, with bias and ReLU, by gathers. Taps are taken {@link #KC} at a time so the block of
 * packed weights stays in L1 while every tile of the sample walks over it.
 *
 * <p>Needs 24 accumulators plus the weight vectors in registers: used only where the vector
 * registers are 512-bit (32 of them), for one group whose output channels fill whole tiles.
 */
final class ChannelLaneConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** Output positions per tile. */
    static final int PR = 6;
    /** Output channels per tile: four vectors. */
    static final int CB = 4 * L;
    /** Taps per block: 96 × 64 weights are 24 KB, half of L1. A multiple of 3, so no kernel row of three taps is cut. */
    static final int KC = 96;

    private ChannelLaneConv() {}

    static boolean applies(ConvGeometry g) {
        return L >= 16 && SimdConv.unitStride(g) && g.groups() == 1 && g.outC() % CB == 0;
    }

    static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        boolean relu, Parallel pool) {
        int k = g.inC() * g.kH() * g.kW(), outC = g.outC();
        float[] wt = Scratch.get().packW(k * outC);
        // wt[t][o] = w[o][t]: the weights of one tap are contiguous over output channels
        for (int o = 0; o < outC; o++) {
            for (int t = 0, src = wOff + o * k; t < k; t++) wt[t * outC + o] = w[src + t];
        }
        SimdConv.forSamples(pool, batch, g.macs(), (n, inner) -> sample(g, n, x, wt, bias, bOff, y, relu, inner));
    }

    private static void sample(ConvGeometry g, int n, float[] x, float[] wt, float[] bias, int bOff, float[] y,
                               boolean relu, Parallel inner) {
        int wp = g.inW() + 2 * g.padW(), plane = (g.inH() + 2 * g.padH()) * wp;
        int ow = g.outW(), spatial = g.outH() * ow, outC = g.outC(), k = g.inC() * g.kH() * g.kW();
        int tiles = (spatial + PR - 1) / PR;
        Scratch s = Scratch.get();
        float[] xp = SimdConv.pad(s, x, n * g.inSize(), g.inC(), g.inH(), g.inW(), g.padH(), g.padW(), g.dilW() * (g.kW() - 1));
        int[] rows = s.convRows(k);
        SimdConv.shiftedRows(rows, 0, g.inC(), plane, wp, g.kH(), g.kW(), g.dilH(), g.dilW());
        // at[p]: where output position p's receptive field starts in the padded input; positions past
        // the last repeat it, so a part tile reads real values and its extra rows are never used
        int[] at = s.rows(tiles * PR);
        for (int p = 0; p < tiles * PR; p++) {
            int q = Math.min(p, spatial - 1);
            at[p] = q / ow * wp + q % ow;
        }
        // (positions, channels), with room for a whole last tile and a whole last gather
        float[] acc = s.ext((SimdGemm.roundUp(spatial, L) + PR) * outC);
        boolean rowOfThree = g.kW() == 3 && g.dilW() == 1;
        for (int cb = 0; cb < outC; cb += CB) {
            for (int kb = 0; kb < k; kb += KC) {
                int from = kb, to = Math.min(k, kb + KC), c0 = cb;
                if (inner == null) {
                    for (int tile = 0; tile < tiles; tile++) tile(from, to, rowOfThree, xp, rows, at, tile * PR, wt, outC, c0, acc);
                } else {
                    inner.run(tiles, (part, t0, t1) -> {
                        for (int tile = t0; tile < t1; tile++) tile(from, to, rowOfThree, xp, rows, at, tile * PR, wt, outC, c0, acc);
                    });
                }
            }
        }
        toChannelsFirst(acc, spatial, outC, bias, bOff, relu, y, n * g.outSize());
    }

    /**
     * acc rows p0…p0+PR−1, channels c0…c0+CB−1: plus Σ over taps [from, to) of input × weight;
     * the first block of taps starts from zero.
     */
    private static void tile(int from, int to, boolean rowOfThree, float[] xp, int[] rows, int[] at, int p0, float[] wt,
                             int outC, int c0, float[] acc) {
        int a0 = at[p0], a1 = at[p0 + 1], a2 = at[p0 + 2], a3 = at[p0 + 3], a4 = at[p0 + 4], a5 = at[p0 + 5];
        int r0 = p0 * outC + c0, r1 = r0 + outC, r2 = r1 + outC, r3 = r2 + outC, r4 = r3 + outC, r5 = r4 + outC;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23;
        FloatVector c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53;
        if (from == 0) {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = FloatVector.zero(S);
            c30 = c31 = c32 = c33 = c40 = c41 = c42 = c43 = c50 = c51 = c52 = c53 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, acc, r0); c01 = FloatVector.fromArray(S, acc, r0 + L);
            c02 = FloatVector.fromArray(S, acc, r0 + 2 * L); c03 = FloatVector.fromArray(S, acc, r0 + 3 * L);
            c10 = FloatVector.fromArray(S, acc, r1); c11 = FloatVector.fromArray(S, acc, r1 + L);
            c12 = FloatVector.fromArray(S, acc, r1 + 2 * L); c13 = FloatVector.fromArray(S, acc, r1 + 3 * L);
            c20 = FloatVector.fromArray(S, acc, r2); c21 = FloatVector.fromArray(S, acc, r2 + L);
            c22 = FloatVector.fromArray(S, acc, r2 + 2 * L); c23 = FloatVector.fromArray(S, acc, r2 + 3 * L);
            c30 = FloatVector.fromArray(S, acc, r3); c31 = FloatVector.fromArray(S, acc, r3 + L);
            c32 = FloatVector.fromArray(S, acc, r3 + 2 * L); c33 = FloatVector.fromArray(S, acc, r3 + 3 * L);
            c40 = FloatVector.fromArray(S, acc, r4); c41 = FloatVector.fromArray(S, acc, r4 + L);
            c42 = FloatVector.fromArray(S, acc, r4 + 2 * L); c43 = FloatVector.fromArray(S, acc, r4 + 3 * L);
            c50 = FloatVector.fromArray(S, acc, r5); c51 = FloatVector.fromArray(S, acc, r5 + L);
            c52 = FloatVector.fromArray(S, acc, r5 + 2 * L); c53 = FloatVector.fromArray(S, acc, r5 + 3 * L);
        }
        int t = from;
        if (rowOfThree) {
            // the three taps of a kernel row read neighbouring inputs: C2 checks their bounds once
            for (; t < to; t += 3) {
                int r = rows[t], wi = t * outC + c0;
                FloatVector w0, w1, w2, w3, v;
                w0 = FloatVector.fromArray(S, wt, wi); w1 = FloatVector.fromArray(S, wt, wi + L);
                w2 = FloatVector.fromArray(S, wt, wi + 2 * L); w3 = FloatVector.fromArray(S, wt, wi + 3 * L);
                v = FloatVector.broadcast(S, xp[r + a0]);
                c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
                v = FloatVector.broadcast(S, xp[r + a1]);
                c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
                v = FloatVector.broadcast(S, xp[r + a2]);
                c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
                v = FloatVector.broadcast(S, xp[r + a3]);
                c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
                v = FloatVector.broadcast(S, xp[r + a4]);
                c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
                v = FloatVector.broadcast(S, xp[r + a5]);
                c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
                w0 = FloatVector.fromArray(S, wt, wi + 1 * outC); w1 = FloatVector.fromArray(S, wt, wi + 1 * outC + L);
                w2 = FloatVector.fromArray(S, wt, wi + 1 * outC + 2 * L); w3 = FloatVector.fromArray(S, wt, wi + 1 * outC + 3 * L);
                v = FloatVector.broadcast(S, xp[r + a0 + 1]);
                c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
                v = FloatVector.broadcast(S, xp[r + a1 + 1]);
                c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
                v = FloatVector.broadcast(S, xp[r + a2 + 1]);
                c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
                v = FloatVector.broadcast(S, xp[r + a3 + 1]);
                c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
                v = FloatVector.broadcast(S, xp[r + a4 + 1]);
                c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
                v = FloatVector.broadcast(S, xp[r + a5 + 1]);
                c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
                w0 = FloatVector.fromArray(S, wt, wi + 2 * outC); w1 = FloatVector.fromArray(S, wt, wi + 2 * outC + L);
                w2 = FloatVector.fromArray(S, wt, wi + 2 * outC + 2 * L); w3 = FloatVector.fromArray(S, wt, wi + 2 * outC + 3 * L);
                v = FloatVector.broadcast(S, xp[r + a0 + 2]);
                c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
                v = FloatVector.broadcast(S, xp[r + a1 + 2]);
                c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
                v = FloatVector.broadcast(S, xp[r + a2 + 2]);
                c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
                v = FloatVector.broadcast(S, xp[r + a3 + 2]);
                c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
                v = FloatVector.broadcast(S, xp[r + a4 + 2]);
                c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
                v = FloatVector.broadcast(S, xp[r + a5 + 2]);
                c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
            }
        }
        for (; t < to; t++) {
            int r = rows[t], wi = t * outC + c0;
            FloatVector w0 = FloatVector.fromArray(S, wt, wi), w1 = FloatVector.fromArray(S, wt, wi + L);
            FloatVector w2 = FloatVector.fromArray(S, wt, wi + 2 * L), w3 = FloatVector.fromArray(S, wt, wi + 3 * L);
            FloatVector v = FloatVector.broadcast(S, xp[r + a0]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, xp[r + a1]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, xp[r + a2]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, xp[r + a3]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, xp[r + a4]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, xp[r + a5]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
        }
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L); c02.intoArray(acc, r0 + 2 * L); c03.intoArray(acc, r0 + 3 * L);
        c10.intoArray(acc, r1); c11.intoArray(acc, r1 + L); c12.intoArray(acc, r1 + 2 * L); c13.intoArray(acc, r1 + 3 * L);
        c20.intoArray(acc, r2); c21.intoArray(acc, r2 + L); c22.intoArray(acc, r2 + 2 * L); c23.intoArray(acc, r2 + 3 * L);
        c30.intoArray(acc, r3); c31.intoArray(acc, r3 + L); c32.intoArray(acc, r3 + 2 * L); c33.intoArray(acc, r3 + 3 * L);
        c40.intoArray(acc, r4); c41.intoArray(acc, r4 + L); c42.intoArray(acc, r4 + 2 * L); c43.intoArray(acc, r4 + 3 * L);
        c50.intoArray(acc, r5); c51.intoArray(acc, r5 + L); c52.intoArray(acc, r5 + 2 * L); c53.intoArray(acc, r5 + 3 * L);
    }

    /**
     * dst (channels, spatial) at dstOff = max(acc (spatial, channels) transposed + bias, floor): L
     * positions of one channel per gather, a block of L positions at a time so its rows of acc stay
     * in L1 while every channel is gathered from them; the positions after the last whole block one by one.
     */
    private static void toChannelsFirst(float[] acc, int spatial, int outC, float[] bias, int bOff, boolean relu,
                                        float[] dst, int dstOff) {
        int[] stride = Scratch.get().gatherIndex(L);
        for (int lane = 0; lane < L; lane++) stride[lane] = lane * outC;
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        int p = 0;
        for (; p + L <= spatial; p += L) {
            for (int o = 0; o < outC; o++) {
                float bv = bias == null ? 0f : bias[bOff + o];
                FloatVector.fromArray(S, acc, p * outC + o, stride, 0).add(bv).max(floor).intoArray(dst, dstOff + o * spatial + p);
            }
        }
        for (int o = 0; o < outC; o++) {
            float bv = bias == null ? 0f : bias[bOff + o];
            for (int q = p; q < spatial; q++) dst[dstOff + o * spatial + q] = Math.max(acc[q * outC + o] + bv, floor);
        }
    }
}
